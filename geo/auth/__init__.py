"""Who is looking: accounts, roles, province scope, sessions and the audit trail.

No Streamlit here (``geo/`` never imports it). The web side is ``gate.py`` at the top level (Starlette and Streamlit's auth helpers: the
sign-in page, the session cookie and the gate in front of every request); the Streamlit glue
(``ui.py``) reads the signed-in user with :func:`geo.auth.sessions.user_for_cookie`.

Roles (each includes the rights of the ones before it):

=============  ==================================================================================
viewer         briefings, district staff: every count 1–4 is "<5" (cell-key protected) on screen
               and in every file; no case rows
analyst        exact counts on screen and case rows; exports protected unless the deployment sets
               ``TDN_EXACT_EXPORTS=1``
data_manager   imports and undoes imports, only within the provinces of their scope
admin          accounts, roles, scopes; the audit trail
=============  ==================================================================================

**Province scope** (as DHIS2 assigns organisation units): a user may be limited to one or more
pre-2025 provinces (``User.provinces``; empty = the whole country). Outside the scope they see
boundaries and published figures but no counts; national totals exclude what they may not see;
imports and undos are limited to the scope.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

ROLES = ("viewer", "analyst", "data_manager", "admin")

#: what each right needs (the lowest role that has it)
RIGHTS = {
    "exact_screen": "analyst",   # exact counts on screen
    "case_rows": "analyst",      # see individual case rows
    "import": "data_manager",    # import files and undo imports (within scope)
    "users": "admin",            # manage accounts, roles and scopes
    "audit": "admin",            # read the audit trail
}


@dataclass(frozen=True)
class User:
    """A signed-in person. ``provinces``: pre-2025 province codes of their scope (empty: all)."""

    id: int
    username: str
    display_name: str
    role: str
    provinces: tuple[str, ...] = ()
    auth: str = "local"
    must_change_password: bool = False

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def can(self, right: str) -> bool:
        return role_rank(self.role) >= role_rank(RIGHTS[right])

    @property
    def national(self) -> bool:
        return not self.provinces

    def in_scope(self, province_pre2025: str | None) -> bool:
        """Whether a pre-2025 province code is within this user's scope (no code: only national users)."""
        if self.national:
            return True
        return province_pre2025 is not None and str(province_pre2025) in self.provinces

    def screen_access(self) -> str:
        """Access level of the views on screen: ``exact`` or ``viewer`` (protected)."""
        return "exact" if self.can("exact_screen") else "viewer"

    def export_access(self) -> str:
        """Access level of downloads and exports: protected unless exact exports are allowed to analysts."""
        return "exact" if (self.can("exact_screen") and exact_exports_allowed()) else "viewer"


def role_rank(role: str) -> int:
    try:
        return ROLES.index(role)
    except ValueError:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}") from None


def exact_exports_allowed() -> bool:
    """``TDN_EXACT_EXPORTS=1``: analysts and above may download exact figures (off by default)."""
    return os.environ.get("TDN_EXACT_EXPORTS", "").strip().lower() in ("1", "true", "yes", "on")


def session_hours() -> float:
    """How long a sign-in lasts (``TDN_SESSION_HOURS``, default 12 hours: a working day)."""
    raw = os.environ.get("TDN_SESSION_HOURS", "").strip()
    try:
        value = float(raw) if raw else 12.0
    except ValueError:
        raise ValueError(f"TDN_SESSION_HOURS must be a number of hours, not {raw!r}") from None
    return max(value, 0.01)
