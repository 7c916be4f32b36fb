"""The store (``store``, ``schema``), imports (``reading`` → ``cells`` → ``importer``, with ``import_report``
and ``templates``), the counting rule (``counting``: each victim once), the exchange with the UN HTCDS standard
(``htcds``), the demonstration data (``demo``) and the sourced facts (``facts``)."""
