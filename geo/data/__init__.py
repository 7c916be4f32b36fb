"""The store (``store``, ``schema``), imports (``reading`` → ``cells`` → ``importer``, with ``import_report``
and ``templates``), the demonstration data (``demo``) and the sourced facts (``facts``)."""
