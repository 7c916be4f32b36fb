"""Strings of the sign-in page, the account panel and the admin pages (Vietnamese, English)."""
from __future__ import annotations

AUTH: dict[str, tuple[str, str]] = {
    "signin_title": ("Đăng nhập", "Sign in"),
    "signin_lead": ("Bản đồ này chứa số liệu về nạn nhân mua bán người, trong đó có trẻ em. Chỉ người được cấp "
                    "tài khoản mới xem được.",
                    "This map holds figures on trafficking victims, children among them. Only people with an "
                    "account may see it."),
    "username": ("Tên đăng nhập", "User name"),
    "password": ("Mật khẩu", "Password"),
    "signin_button": ("Đăng nhập", "Sign in"),
    "signin_oidc": ("Đăng nhập bằng tài khoản cơ quan", "Sign in with your organisation account"),
    "or": ("hoặc", "or"),
    "other_lang": ("English", "Tiếng Việt"),
    "signed_out": ("Bạn đã đăng xuất.", "You have signed out."),
    "expired": ("Phiên đăng nhập đã hết hạn hoặc đã kết thúc. Vui lòng đăng nhập lại.",
                "Your session has expired or was ended. Please sign in again."),
    "bad_credentials": ("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong user name or password."),
    "locked": ("Tài khoản tạm khóa do nhập sai nhiều lần. Thử lại sau khoảng {minutes} phút hoặc nhờ quản trị "
               "viên đặt lại mật khẩu.",
               "The account is locked after repeated failed attempts. Try again in about {minutes} minutes or "
               "ask an administrator to reset the password."),
    "bad_origin": ("Yêu cầu không hợp lệ (khác nguồn). Hãy mở lại trang đăng nhập.",
                   "Invalid request (other origin). Open the sign-in page again."),
    "oidc_off": ("Đăng nhập bằng tài khoản cơ quan chưa được cấu hình.",
                 "Sign-in with an organisation account is not configured."),
    "oidc_failed": ("Không đăng nhập được bằng tài khoản cơ quan.", "Organisation sign-in failed."),
    "footer": ("Dữ liệu nhạy cảm: không chia sẻ tài khoản; mọi lần đăng nhập, nhập liệu và xuất tệp đều được ghi lại.",
               "Sensitive data: do not share accounts; every sign-in, import and export is recorded."),
    "bad_username": ("Tên đăng nhập không hợp lệ (không có khoảng trắng, tối đa 200 ký tự).",
                     "Invalid user name (no spaces, at most 200 characters)."),
    "password_short": ("Mật khẩu phải có ít nhất {n} ký tự.", "The password must have at least {n} characters."),
    "password_weak": ("Mật khẩu quá đơn giản (cần ít nhất 4 ký tự khác nhau).",
                      "The password is too simple (it needs at least 4 different characters)."),
    "password_same": ("Mật khẩu mới phải khác mật khẩu cũ.", "The new password must differ from the old one."),
    "wrong_old_password": ("Mật khẩu hiện tại không đúng. Không có gì thay đổi.",
                           "The current password is wrong. Nothing was changed."),
    "bad_role": ("Vai trò không hợp lệ: {value}", "Unknown role: {value}"),
    "bad_province": ("Không nhận ra tỉnh: {value}", "Unknown province: {value}"),
    "user_exists": ("Tài khoản đã tồn tại: {value}", "The account already exists: {value}"),
    "no_user": ("Không có tài khoản: {value}", "No such account: {value}"),
    # the account panel in the app
    "signed_in_as": ("Đăng nhập: **{name}** · {role}", "Signed in: **{name}** · {role}"),
    "scope_all": ("Phạm vi: toàn quốc", "Scope: whole country"),
    "scope_some": ("Phạm vi: {names}", "Scope: {names}"),
    "sign_out": ("Đăng xuất", "Sign out"),
    "change_password": ("Đổi mật khẩu", "Change password"),
    "must_change": ("Đây là mật khẩu tạm thời. Hãy đặt mật khẩu mới trước khi tiếp tục.",
                    "This is a temporary password. Set a new password before you go on."),
    "old_password": ("Mật khẩu hiện tại", "Current password"),
    "new_password": ("Mật khẩu mới", "New password"),
    "new_password2": ("Nhập lại mật khẩu mới", "New password again"),
    "passwords_differ": ("Hai lần nhập mật khẩu mới không khớp. Không có gì thay đổi.",
                         "The two new passwords differ. Nothing was changed."),
    "password_changed": ("Đã đổi mật khẩu.", "Password changed."),
    "save": ("Lưu", "Save"),
    "not_signed_in": ("Bạn chưa đăng nhập hoặc phiên đã hết hạn.", "You are not signed in, or your session has expired."),
    "go_signin": ("Đến trang đăng nhập", "Go to the sign-in page"),
    "no_right": ("Vai trò của bạn ({role}) không có quyền này. Không có gì thay đổi.",
                 "Your role ({role}) does not have this right. Nothing was changed."),
    "protected_view": ("Bạn đang xem số liệu đã bảo vệ: số nhỏ hơn 5 hiện là “<5” và số liệu có nhiễu nhỏ (±vài đơn vị) "
                       "để không suy ra được nạn nhân cụ thể; số liệu công bố chính thức giữ nguyên.",
                       "You see protected figures: counts under 5 show as “<5” and figures carry a small noise "
                       "(± a few) so that no victim can be worked out; published official figures are exact."),
    "scope_note": ("Chỉ tính số liệu của {names}; các tỉnh khác chỉ hiện ranh giới và số liệu công bố.",
                   "Only figures of {names} are counted; other provinces show boundaries and published figures only."),
    "role_viewer": ("Người xem", "Viewer"),
    "role_analyst": ("Phân tích viên", "Analyst"),
    "role_data_manager": ("Quản lý dữ liệu", "Data manager"),
    "role_admin": ("Quản trị viên", "Administrator"),
    # admin page
    "page_admin": ("Quản trị", "Administration"),
    "users": ("Tài khoản", "Accounts"),
    "audit_trail": ("Nhật ký kiểm tra", "Audit trail"),
    "add_user": ("Thêm tài khoản", "Add an account"),
    "role": ("Vai trò", "Role"),
    "provinces": ("Tỉnh trong phạm vi (để trống: toàn quốc)", "Provinces in scope (empty: whole country)"),
    "display_name": ("Họ tên", "Full name"),
    "temp_password": ("Mật khẩu tạm thời của {user} (chỉ hiện một lần, người dùng phải đổi khi đăng nhập): `{pw}`",
                      "Temporary password of {user} (shown once; to be changed at the first sign-in): `{pw}`"),
    "change_user": ("Sửa tài khoản", "Change an account"),
    "account": ("Tài khoản", "Account"),
    "disable": ("Khóa tài khoản", "Disable the account"),
    "enable": ("Mở khóa tài khoản", "Enable the account"),
    "reset_password": ("Đặt lại mật khẩu", "Reset the password"),
    "apply": ("Áp dụng", "Apply"),
    "done": ("Đã lưu.", "Saved."),
    "col_username": ("Tên đăng nhập", "User name"),
    "col_display_name": ("Họ tên", "Full name"),
    "col_role": ("Vai trò", "Role"),
    "col_provinces": ("Phạm vi", "Scope"),
    "col_auth": ("Cách đăng nhập", "Sign-in"),
    "col_disabled": ("Đã khóa", "Disabled"),
    "col_must_change_password": ("Phải đổi mật khẩu", "Must change password"),
    "col_failed_attempts": ("Lần nhập sai", "Failed attempts"),
    "col_locked_until": ("Tạm khóa đến (UTC)", "Locked until (UTC)"),
    "col_created_at": ("Tạo lúc (UTC)", "Created (UTC)"),
    "col_id": ("Số", "No."),
    "col_at": ("Thời điểm (UTC)", "When (UTC)"),
    "col_action": ("Việc", "Action"),
    "col_outcome": ("Kết quả", "Outcome"),
    "col_detail": ("Chi tiết", "Detail"),
    "col_address": ("Địa chỉ", "Address"),
    "auth_local": ("mật khẩu", "password"),
    "auth_oidc": ("tài khoản cơ quan", "organisation account"),
    "audit_note": ("Nhật ký chỉ được thêm, không sửa hay xóa được từ ứng dụng.",
                   "The trail is append-only: nothing in the app can change or delete it."),
}


#: audit-trail actions and outcomes as the Admin page prints them
AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "sign_in": ("Đăng nhập", "Sign-in"), "sign_in_failed": ("Đăng nhập không thành công", "Failed sign-in"),
    "sign_out": ("Đăng xuất", "Sign-out"), "password_change": ("Đổi mật khẩu", "Password change"),
    "import": ("Nhập dữ liệu", "Import"), "import_rejected": ("Tệp bị từ chối", "File refused"),
    "undo": ("Hoàn tác lần nhập", "Undo of an import"), "undo_refused": ("Hoàn tác bị từ chối", "Undo refused"),
    "export": ("Xuất bản đồ/báo cáo", "Map or briefing export"), "download": ("Tải bảng", "Table download"),
    "user_add": ("Thêm tài khoản", "Account added"), "user_change": ("Sửa tài khoản", "Account changed"),
    "user_disable": ("Khóa tài khoản", "Account disabled"), "user_enable": ("Mở khóa tài khoản", "Account enabled"),
    "password_reset": ("Đặt lại mật khẩu", "Password reset"), "access_denied": ("Bị từ chối truy cập", "Access denied"),
    "overlap_decision": ("Quyết định về trùng lặp", "Overlap decision"),
}
AUDIT_OUTCOMES: dict[str, tuple[str, str]] = {"ok": ("Thành công", "Done"), "refused": ("Bị từ chối", "Refused")}


def audit_label(table: dict[str, tuple[str, str]], code, lang: str = "vi") -> str:
    """An audit code in words ('' for none; an unknown code as stored)."""
    if code is None or (isinstance(code, float) and code != code):
        return ""
    pair = table.get(str(code))
    return pair[1 if lang == "en" else 0] if pair else str(code)


def ta(key: str, lang: str = "vi", **fmt) -> str:
    text = AUTH[key][1 if lang == "en" else 0]
    return text.format(**fmt) if fmt else text
