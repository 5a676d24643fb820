"""skilldoc: 国家技能根基工程培训基地申报书 from a workbook, eight section templates and evidence files."""

__version__ = "0.1.0"
