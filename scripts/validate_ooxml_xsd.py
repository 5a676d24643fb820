"""Validate every XML part of a .docx against the ISO/IEC 29500 transitional XML schemas.

    python scripts/validate_ooxml_xsd.py FILE.docx XSD_DIR

XSD_DIR is a folder holding the transitional schemas as python-docx's repository keeps
them (``ref/xsd``: wml.xsd, dml-*.xsd, shared-*.xsd, opc-xsd/…).  No package on PyPI
ships them, so they are not part of skilldoc; the CI check of the DOCX is
openxml-audit (tests/test_docx.py), this script is the second opinion.

Markup-compatibility extensions (the namespaces a part lists in ``mc:Ignorable``, such
as w14) are removed before validating, as a consumer that does not know them would.
Prints one line per finding; exits 1 when there is any.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from lxml import etree

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SCHEMAS = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "wml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties":
        "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc-xsd/opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-xsd/opc-relationships.xsd",
}
# core.xml's schema imports Dublin Core schemas from the network: not validated here.
SKIPPED = {"http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
XML_NS_XSD = b"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
 targetNamespace="http://www.w3.org/XML/1998/namespace">
 <xsd:attribute name="space"><xsd:simpleType><xsd:restriction base="xsd:NCName">
 <xsd:enumeration value="default"/><xsd:enumeration value="preserve"/></xsd:restriction>
 </xsd:simpleType></xsd:attribute><xsd:attribute name="lang" type="xsd:language"/></xsd:schema>"""


class _Resolver(etree.Resolver):
    """Answers the schemas' imports from XSD_DIR (and the xml: namespace), never the network."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
        if url and "XML/1998/namespace" in url or url.endswith("xml.xsd"):
            return self.resolve_string(XML_NS_XSD, context)
        name = Path(url).name
        for candidate in (self.root / name, self.root / "opc-xsd" / name):
            if candidate.is_file():
                return self.resolve_filename(str(candidate), context)
        return None


def _schema(xsd_dir: Path, name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_Resolver(xsd_dir))
    text = (xsd_dir / name).read_bytes().replace(
        b'<xsd:import namespace="http://www.w3.org/XML/1998/namespace"/>',
        b'<xsd:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>')
    doc = etree.fromstring(text, parser, base_url=str(xsd_dir / name))
    return etree.XMLSchema(doc)


def _drop_ignorable(root: etree._Element) -> None:
    ignorable = set((root.get(f"{{{MC}}}Ignorable") or "").split())
    uris = {root.nsmap.get(prefix) for prefix in ignorable}
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if etree.QName(el).namespace in uris and el.getparent() is not None:
            el.getparent().remove(el)
            continue
        for attr in list(el.attrib):
            if attr.startswith("{") and (attr[1:].split("}")[0] in uris or attr[1:].split("}")[0] == MC):
                del el.attrib[attr]


def validate(docx: Path, xsd_dir: Path) -> list[str]:
    findings: list[str] = []
    cache: dict[str, etree.XMLSchema] = {}
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    with zipfile.ZipFile(docx) as z:
        for name in sorted(z.namelist()):
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(z.read(name), parser)
            ns = etree.QName(root).namespace or ""
            if ns in SKIPPED:
                continue
            if ns not in SCHEMAS:
                findings.append(f"{name}: no schema for namespace {ns}")
                continue
            _drop_ignorable(root)
            schema = cache.get(ns) or cache.setdefault(ns, _schema(xsd_dir, SCHEMAS[ns]))
            if not schema.validate(root):
                findings += [f"{name}:{e.line}: {e.message}" for e in schema.error_log]
    return findings


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    findings = validate(Path(argv[1]), Path(argv[2]))
    for line in findings:
        print(line)
    print(f"{len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
