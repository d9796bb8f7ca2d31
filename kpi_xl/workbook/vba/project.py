"""Build a source-only ``vbaProject.bin`` (MS-OVBA) that Excel compiles when it opens it.

Layout of the compound file (MS-OVBA 2.2)::

    PROJECT            text: modules, project name, protection (CMG/DPB/GC), workspace
    PROJECTwm          module names in the code page and in UTF-16
    VBA/_VBA_PROJECT   7 bytes, version-independent: Excel ignores any compiled cache
    VBA/dir            compressed records: project information, references, modules
    VBA/<module>       compressed source of each module (text offset 0: no p-code)

The records mirror the project that ships with xlwings 0.37.8
(``quickstart_standalone.xlsm``): same information records, the references to stdole and
Office as Excel writes them, module records with the same fields.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid

from .cfb import write_compound_file
from .compression import compress

CODE_PAGE = 1252
ENCODING = "cp1252"

WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

#: _VBA_PROJECT of a version-independent project (MS-OVBA 2.3.4.1): Reserved1 0x61CC,
#: Version 0xFFFF ("compile from source"), Reserved2 0x00, Reserved3 0x0000 (ignored on
#: read; LibreOffice writes 0x0000, the xlwings templates 0x0001), no performance cache.
VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000)

#: (name, LibidRegistered) of the references, exactly as Excel (64-bit, Office 16) wrote
#: them into xlwings 0.37.8's ``addin/xlwings.xlam`` (stdole) and
#: ``quickstart_standalone.xlsm`` (Office). The path inside a libid is only a hint: Excel
#: finds the type library by its GUID and version.
REFERENCES: tuple[tuple[str, str], ...] = (
    ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"),
    (
        "Office",
        (
            r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files\Microsoft Shared"
            r"\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library"
        ),
    ),
)

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_ATTRIBUTE = re.compile(r"Attribute (VB_\w+) = (.*)\Z")
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"

_DOCUMENT_ATTRIBUTES = (
    ("VB_GlobalNameSpace", "False"),
    ("VB_Creatable", "False"),
    ("VB_PredeclaredId", "True"),
    ("VB_Exposed", "True"),
    ("VB_TemplateDerived", "False"),
    ("VB_Customizable", "True"),
)
# What the VBA editor stores for a new class module (Instancing = Private); a class source
# may set its own values in its leading Attribute lines (Dictionary: VB_Exposed = True).
_CLASS_ATTRIBUTES = (
    ("VB_GlobalNameSpace", "False"),
    ("VB_Creatable", "False"),
    ("VB_PredeclaredId", "False"),
    ("VB_Exposed", "False"),
    ("VB_TemplateDerived", "False"),
    ("VB_Customizable", "False"),
)

_PROCEDURAL, _OTHER = 0x0021, 0x0022  # MODULETYPE: standard module / document or class


def build_vba_project(
    document_modules: list[str],
    modules: dict[str, str],
    classes: dict[str, str] | None = None,
    project_name: str = "VBAProject",
) -> bytes:
    """Bytes of a ``vbaProject.bin`` holding the given modules as source only.

    ``document_modules[0]`` is the workbook's code name (``ThisWorkbook``), the others are
    the worksheets' code names (``Sheet1`` …) in any order; they must equal the code names
    in the workbook XML (XlsxWriter: ``set_vba_name``). ``modules`` are standard modules,
    ``classes`` class modules, each name → VBA source without the ``Attribute VB_Name``
    line (it is added; a matching one at the top is accepted and replaced). Class sources
    may start with their own ``Attribute VB_…`` lines (they override the defaults) and may
    still carry the ``VERSION 1.0 CLASS … END`` header of an exported ``.cls`` (dropped).
    Line endings become CRLF; text must be encodable in code page 1252.
    """
    classes = dict(classes or {})
    if not document_modules:
        raise ValueError("document_modules needs at least the workbook's code name (e.g. 'ThisWorkbook')")
    _check_identifier(project_name, "project name")
    names = [*document_modules, *modules, *classes]
    for name in names:
        _check_identifier(name, "module name")
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise ValueError(f"module name used twice (VBA names ignore case): {name!r}")
        seen.add(name.lower())

    built: list[_Module] = []
    for index, name in enumerate(document_modules):
        base = WORKBOOK_BASE if index == 0 else WORKSHEET_BASE
        attributes = [("VB_Name", _quote(name)), ("VB_Base", _quote(base)), *_DOCUMENT_ATTRIBUTES]
        built.append(_Module(name, "Document", _OTHER, _source(name, attributes, "")))
    for name, text in modules.items():
        body = _strip_name_attribute(name, _normalise(text))
        built.append(_Module(name, "Module", _PROCEDURAL, _source(name, [("VB_Name", _quote(name))], body)))
    for name, text in classes.items():
        attributes, body = _class_attributes(name, _normalise(text))
        module = _Module(name, "Class", _OTHER, _source(name, attributes, body))
        module.docstring = _docstring(attributes)
        built.append(module)

    # A fixed ID for the same project: the same input gives the same bytes. The namespace keeps the name the
    # package had when the first workbooks were made ("kpi_xl.vba"), so their project ID does not change.
    project_uuid = uuid.uuid5(uuid.NAMESPACE_URL, "kpi_xl.vba/" + project_name + "/" + "/".join(names))
    project_id = "{" + str(project_uuid).upper() + "}"
    vba: dict[str, bytes] = {m.name: compress(m.source) for m in built}
    vba["_VBA_PROJECT"] = VBA_PROJECT_STREAM
    vba["dir"] = compress(_dir_stream(project_name, built))
    return write_compound_file(
        {
            "VBA": vba,
            "PROJECT": _project_stream(project_id, project_name, built),
            "PROJECTwm": _project_wm_stream(built),
        }
    )


class _Module:
    def __init__(self, name: str, kind: str, type_id: int, source: bytes) -> None:
        self.name, self.kind, self.type_id, self.source = name, kind, type_id, source
        self.docstring = ""


# --- module source -------------------------------------------------------------------


def _check_identifier(name: str, what: str) -> None:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ValueError(f"invalid VBA {what} {name!r}: a letter, then letters, digits or _ (31 at most)")


def _quote(value: str) -> str:
    return '"' + value + '"'


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strip_name_attribute(name: str, body: str) -> str:
    first, _, rest = body.partition("\n")
    match = _ATTRIBUTE.match(first.strip())
    if match and match.group(1) == "VB_Name":
        if match.group(2) != _quote(name):
            raise ValueError(f"module {name!r}: source says Attribute VB_Name = {match.group(2)}")
        return rest
    return body


def _class_attributes(name: str, body: str) -> tuple[list[tuple[str, str]], str]:
    lines = body.split("\n")
    if lines and lines[0].strip().upper().startswith("VERSION ") and "CLASS" in lines[0].upper():
        end = next((i for i, line in enumerate(lines) if line.strip().upper() == "END"), None)
        if end is None:
            raise ValueError(f"class {name!r}: VERSION … CLASS header without END")
        lines = lines[end + 1 :]
    given: dict[str, str] = {}
    while lines and (match := _ATTRIBUTE.match(lines[0].strip())):
        given[match.group(1)] = match.group(2)
        lines.pop(0)
    if given.pop("VB_Name", _quote(name)) != _quote(name):
        raise ValueError(f"class {name!r}: its Attribute VB_Name names another module")
    attributes = [("VB_Name", _quote(name)), ("VB_Base", given.pop("VB_Base", _quote(CLASS_BASE)))]
    attributes += [(key, given.pop(key, default)) for key, default in _CLASS_ATTRIBUTES]
    attributes += list(given.items())  # e.g. VB_Description, in their original order
    return attributes, "\n".join(lines)


def _docstring(attributes: list[tuple[str, str]]) -> str:
    """MODULEDOCSTRING from ``Attribute VB_Description`` (as the VBA editor fills it)."""
    value = dict(attributes).get("VB_Description")
    if not value or len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return ""
    return value[1:-1].replace('""', '"').replace("\\r", "\r").replace("\\n", "\n")


def _source(name: str, attributes: list[tuple[str, str]], body: str) -> bytes:
    lines = [f"Attribute {key} = {value}" for key, value in attributes]
    text = "\r\n".join(lines) + "\r\n" + body.replace("\n", "\r\n")
    if not text.endswith("\r\n"):
        text += "\r\n"
    return _encode(text, f"module {name!r}")


def _encode(text: str, what: str) -> bytes:
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as error:
        bad = text[error.start : error.end]
        raise ValueError(f"{what}: {bad!r} is not in code page {CODE_PAGE}") from None


# --- dir stream (MS-OVBA 2.3.4.2) ---------------------------------------------------


def _record(record_id: int, data: bytes = b"") -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _text_record(record_id: int, unicode_id: int, text: str) -> bytes:
    return _record(record_id, _encode(text, "name")) + _record(unicode_id, text.encode("utf-16-le"))


def reference_records(name: str, libid: str) -> bytes:
    """REFERENCENAME + REFERENCEREGISTERED records of one registered type library."""
    libid_bytes = _encode(libid, "libid")
    registered = struct.pack("<I", len(libid_bytes)) + libid_bytes + struct.pack("<IH", 0, 0)
    return _text_record(0x0016, 0x003E, name) + _record(0x000D, registered)


def _dir_stream(project_name: str, modules: list[_Module]) -> bytes:
    out = bytearray()
    # PROJECTINFORMATION
    out += _record(0x0001, struct.pack("<I", 3))  # SysKind: 64-bit Windows (as xlwings' projects)
    out += _record(0x0002, struct.pack("<I", 0x0409))  # LCID
    out += _record(0x0014, struct.pack("<I", 0x0409))  # LCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODE_PAGE))
    out += _record(0x0004, _encode(project_name, "project name"))
    out += _text_record(0x0005, 0x0040, "")  # DOCSTRING
    out += _text_record(0x0006, 0x003D, "")  # HELPFILEPATH (both copies empty)
    out += _record(0x0007, struct.pack("<I", 0))  # HELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # LIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # VERSION: reserved 4, major 1, minor 0
    out += _text_record(0x000C, 0x003C, "")  # CONSTANTS
    # PROJECTREFERENCES
    for name, libid in REFERENCES:
        out += reference_records(name, libid)
    # PROJECTMODULES
    out += _record(0x000F, struct.pack("<H", len(modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _text_record(0x0019, 0x0047, module.name)  # MODULENAME (+ UNICODE)
        out += _text_record(0x001A, 0x0032, module.name)  # MODULESTREAMNAME
        out += _text_record(0x001C, 0x0048, module.docstring)  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source at offset 0
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _record(module.type_id)
        out += _record(0x002B)  # module terminator
    out += _record(0x0010)  # dir terminator
    return bytes(out)


# --- PROJECT and PROJECTwm streams (MS-OVBA 2.3.1, 2.3.3) -----------------------------


def _project_stream(project_id: str, project_name: str, modules: list[_Module]) -> bytes:
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind == "Document":
            lines.append(f"Document={module.name}/&H00000000")
        else:
            lines.append(f"{module.kind}={module.name}")
    seed = hashlib.sha256(project_id.encode("ascii")).digest()[0]
    visible = b"\xff"
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(project_id, bytes(4), seed).hex().upper()}"',  # not protected
        f'DPB="{encrypt(project_id, bytes(1), seed).hex().upper()}"',  # no password
        f'GC="{encrypt(project_id, visible, seed).hex().upper()}"',  # visible
        "",
        "[Host Extender Info]",
        _HOST_EXTENDER,
        "",
        "[Workspace]",
        *(f"{module.name}=0, 0, 0, 0, C" for module in modules),
        "",
    ]
    return _encode("\r\n".join(lines) + "\r\n", "PROJECT stream")


def _project_wm_stream(modules: list[_Module]) -> bytes:
    out = bytearray()
    for module in modules:
        out += _encode(module.name, "name") + b"\x00" + module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def encrypt(project_id: str, data: bytes, seed: int) -> bytes:
    """MS-OVBA 2.4.3.2 data encryption (the obfuscation of CMG, DPB and GC).

    ``seed`` is any byte (Excel picks one at random); the ignored bytes are zeros.
    """
    version = 2
    project_key = sum(project_id.encode(ENCODING)) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ project_key])
    unencrypted_1, encrypted_1, encrypted_2 = project_key, seed ^ project_key, seed ^ version
    payload = bytes((seed & 6) // 2) + struct.pack("<I", len(data)) + bytes(data)
    for byte in payload:
        byte_enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(byte_enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    return bytes(out)


def decrypt(encrypted: bytes, project_id: str | None = None) -> bytes:
    """Inverse of :func:`encrypt` (MS-OVBA 2.4.3.3); checks the project key when given."""
    seed, version_enc, project_key_enc = encrypted[0], encrypted[1], encrypted[2]
    if seed ^ version_enc != 2:
        raise ValueError("not MS-OVBA encrypted data (version is not 2)")
    project_key = seed ^ project_key_enc
    if project_id is not None and project_key != sum(project_id.encode(ENCODING)) & 0xFF:
        raise ValueError("encrypted with another project id")
    unencrypted_1, encrypted_1, encrypted_2 = project_key, project_key_enc, version_enc
    plain = bytearray()
    for byte_enc in encrypted[3:]:
        byte = byte_enc ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(byte)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, ignored)
    data = bytes(plain[ignored + 4 :])
    if len(data) != length:
        raise ValueError("encrypted data length does not match its header")
    return data
