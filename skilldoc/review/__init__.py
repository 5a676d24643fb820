"""The reviewer's side: check many applications, score them with a rubric, rank them within the quota.

``run.review`` is the orchestrator (``skilldoc review``); ``rubric`` loads 评审细则 TOML files;
``inputs`` finds and checks the applications; ``scoring`` is pure (means, flags, ranking, quota);
``sheets`` (openpyxl), ``report_docx`` (python-docx) and ``paragraph`` (jinja2) write the outputs.
"""
