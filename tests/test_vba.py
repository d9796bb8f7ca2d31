"""The workbook's VBA project (kpi_xl.workbook.vba): read back with oletools/olefile, and loaded by LibreOffice."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

olefile = pytest.importorskip("olefile")
olevba = pytest.importorskip("oletools.olevba")

import xlwings

from kpi_xl.workbook.vba import build_vba_project, kpi_modules, xlwings_vba_sources
from kpi_xl.workbook.vba.cfb import write_compound_file
from kpi_xl.workbook.vba.compression import compress
from kpi_xl.workbook.vba.project import REFERENCES, decrypt, reference_records

XLWINGS_DIR = Path(xlwings.__file__).resolve().parent
DOCUMENTS = ["ThisWorkbook", "Sheet1", "Sheet2"]
REFRESH_CALL = 'RunPython "import kpi_xl.excel; kpi_xl.excel.refresh()"'

WORKBOOK_HEADER = (
    'Attribute VB_Name = "ThisWorkbook"\r\n'
    'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"\r\n'
    "Attribute VB_GlobalNameSpace = False\r\n"
    "Attribute VB_Creatable = False\r\n"
    "Attribute VB_PredeclaredId = True\r\n"
    "Attribute VB_Exposed = True\r\n"
    "Attribute VB_TemplateDerived = False\r\n"
    "Attribute VB_Customizable = True\r\n"
)


def _sources() -> tuple[dict[str, str], dict[str, str]]:
    modules, classes = xlwings_vba_sources()
    modules.update(kpi_modules("nl"))
    return modules, classes


@pytest.fixture(scope="module")
def project() -> bytes:
    modules, classes = _sources()
    return build_vba_project(DOCUMENTS, modules, classes)


def _macros(data: bytes) -> dict[str, str]:
    """Stream path -> source, as olevba reads them."""
    parser = olevba.VBA_Parser("vbaProject.bin", data=data)
    try:
        return {stream: code for (_, stream, _, code) in parser.extract_macros()}
    finally:
        parser.close()


def _quickstart_project() -> bytes:
    """vbaProject.bin of xlwings' own standalone template (written by Excel)."""
    with zipfile.ZipFile(XLWINGS_DIR / "quickstart_standalone.xlsm") as archive:
        return archive.read("xl/vbaProject.bin")


def _dir_records(data: bytes) -> bytes:
    ole = olefile.OleFileIO(io.BytesIO(data))
    return bytes(olevba.decompress_stream(bytearray(ole.openstream("VBA/dir").read())))


# --- the project, read back ------------------------------------------------------------


def test_every_module_is_found_with_its_exact_source(project):
    macros = _macros(project)
    assert set(macros) == {f"VBA/{name}" for name in [*DOCUMENTS, "xlwings", "KPIRefresh", "Dictionary"]}

    assert macros["VBA/ThisWorkbook"] == WORKBOOK_HEADER
    sheet = WORKBOOK_HEADER.replace('"ThisWorkbook"', '"Sheet1"').replace("00020819", "00020820")
    assert macros["VBA/Sheet1"] == sheet
    assert macros["VBA/Sheet2"] == sheet.replace('"Sheet1"', '"Sheet2"')

    # The xlwings module is xlwings.bas byte for byte (it carries its own VB_Name line).
    xlwings_bas = (XLWINGS_DIR / "xlwings.bas").read_bytes().decode("cp1252")
    assert macros["VBA/xlwings"] == xlwings_bas
    assert "\r\nPublic Function RunPython(PythonCommand As String)\r\n" in macros["VBA/xlwings"]
    assert "'Version: 0.37.8\r\n" in macros["VBA/xlwings"]

    refresh = macros["VBA/KPIRefresh"]
    assert refresh.startswith('Attribute VB_Name = "KPIRefresh"\r\n\' KPIRefresh: ')
    assert f"\r\nPublic Sub RefreshKPIs()\r\n    {REFRESH_CALL}\r\nEnd Sub\r\n" in refresh
    assert refresh.endswith("End Sub\r\n") and "\n" not in refresh.replace("\r\n", "")

    # The class is Dictionary.cls as the VBA editor stores an imported .cls: no
    # VERSION/BEGIN/END export header, VB_Base/TemplateDerived/Customizable added.
    cls = (XLWINGS_DIR / "addin" / "Dictionary.cls").read_bytes().decode("cp1252")
    header, body = cls.split("\r\nEND\r\n", 1)
    assert header.startswith("VERSION 1.0 CLASS")
    expected = body.replace(
        'Attribute VB_Name = "Dictionary"\r\n',
        'Attribute VB_Name = "Dictionary"\r\nAttribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"\r\n',
    ).replace(
        "Attribute VB_Exposed = True\r\n",
        "Attribute VB_Exposed = True\r\nAttribute VB_TemplateDerived = False\r\nAttribute VB_Customizable = False\r\n",
    )
    assert macros["VBA/Dictionary"] == expected


def test_modules_match_what_excel_stored_in_the_xlwings_template(project):
    ours, excel = _macros(project), _macros(_quickstart_project())
    crlf = lambda text: text.replace("\r\n", "\n").replace("\n", "\r\n")
    for name in ["ThisWorkbook", "Sheet1", "Sheet2", "xlwings"]:
        assert ours[f"VBA/{name}"] == crlf(excel[f"VBA/{name}"]), name
    # Excel's copy differs only where the VBA editor re-cased identifiers (Err -> err).
    assert ours["VBA/Dictionary"].lower() == crlf(excel["VBA/Dictionary"]).lower()


def test_storage_layout_and_version_independent_header(project):
    ole = olefile.OleFileIO(io.BytesIO(project), raise_defects=olefile.DEFECT_INCORRECT)
    streams = {"/".join(path) for path in ole.listdir(streams=True, storages=False)}
    modules = {f"VBA/{name}" for name in [*DOCUMENTS, "xlwings", "KPIRefresh", "Dictionary"]}
    assert streams == {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"} | modules
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    # _VBA_PROJECT: 0x61CC, version 0xFFFF, 0x00, 0x0000 and no compiled cache.
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000000")

    wm = ole.openstream("PROJECTwm").read()
    names = ["ThisWorkbook", "Sheet1", "Sheet2", "xlwings", "KPIRefresh", "Dictionary"]
    assert wm == b"".join(n.encode() + b"\0" + n.encode("utf-16-le") + b"\0\0" for n in names) + b"\0\0"


def test_project_stream(project):
    ole = olefile.OleFileIO(io.BytesIO(project))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert text.endswith("\r\n\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    project_id = re.fullmatch(r'ID="(\{[0-9A-F-]{36}\})"', lines[0]).group(1)
    assert lines[1:7] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Document=Sheet2/&H00000000",
        "Module=xlwings",
        "Module=KPIRefresh",
        "Class=Dictionary",
    ]
    assert lines[7:10] == ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    values = dict(line.split("=", 1) for line in lines[10:13])
    # Not protected, no password, visible: as the xlwings template (decrypted the same way).
    assert decrypt(bytes.fromhex(values["CMG"].strip('"')), project_id) == bytes(4)
    assert decrypt(bytes.fromhex(values["DPB"].strip('"')), project_id) == bytes(1)
    assert decrypt(bytes.fromhex(values["GC"].strip('"')), project_id) == b"\xff"
    assert "[Host Extender Info]\r\n&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n" in text
    assert "[Workspace]\r\nThisWorkbook=0, 0, 0, 0, C\r\n" in text


def test_decrypt_reads_excels_protection_values():
    text = olefile.OleFileIO(io.BytesIO(_quickstart_project())).openstream("PROJECT").read().decode("cp1252")
    values = dict(line.split("=", 1) for line in text.split("\r\n") if "=" in line)
    project_id = values["ID"].strip('"')
    assert decrypt(bytes.fromhex(values["CMG"].strip('"')), project_id) == bytes(4)
    assert decrypt(bytes.fromhex(values["DPB"].strip('"')), project_id) == bytes(1)
    assert decrypt(bytes.fromhex(values["GC"].strip('"')), project_id) == b"\xff"


def test_dir_stream_records(project):
    records = _dir_records(project)
    # The reference records are byte for byte those Excel wrote into xlwings.xlam.
    with zipfile.ZipFile(XLWINGS_DIR / "addin" / "xlwings.xlam") as archive:
        excel_records = _dir_records(archive.read("xl/vbaProject.bin"))
    references = b"".join(reference_records(name, libid) for name, libid in REFERENCES)
    assert references in records and references in excel_records
    assert [name for name, _ in REFERENCES] == ["stdole", "Office"]
    # Information records as in the xlwings standalone template (SysKind 3, LCID 0x409,
    # code page 1252, name VBAProject).
    assert records.startswith(
        struct.pack("<HII", 1, 4, 3)
        + struct.pack("<HII", 2, 4, 0x409)
        + struct.pack("<HII", 0x14, 4, 0x409)
        + struct.pack("<HIH", 3, 2, 1252)
        + struct.pack("<HI", 4, 10)
        + b"VBAProject"
    )
    assert records.endswith(struct.pack("<HI", 0x2B, 0) + struct.pack("<HI", 0x10, 0))
    assert struct.pack("<HIH", 0x0F, 2, 6) + struct.pack("<HIH", 0x13, 2, 0xFFFF) in records

    def name_records(name: str) -> bytes:  # MODULENAME(+UNICODE), MODULESTREAMNAME(+UNICODE)
        mbcs = struct.pack("<HI", 0x19, len(name)) + name.encode()
        unicode = struct.pack("<HI", 0x47, 2 * len(name)) + name.encode("utf-16-le")
        stream = struct.pack("<HI", 0x1A, len(name)) + name.encode()
        stream_unicode = struct.pack("<HI", 0x32, 2 * len(name)) + name.encode("utf-16-le")
        return mbcs + unicode + stream + stream_unicode

    types = {"ThisWorkbook": 0x22, "Sheet1": 0x22, "xlwings": 0x21, "KPIRefresh": 0x21, "Dictionary": 0x22}
    for name, type_id in types.items():
        start = records.index(name_records(name))
        end = records.index(struct.pack("<HI", 0x2B, 0), start)
        tail = records[end - 34 : end]  # offset, help context, cookie, type
        assert tail == (
            struct.pack("<HII", 0x31, 4, 0)
            + struct.pack("<HII", 0x1E, 4, 0)
            + struct.pack("<HIH", 0x2C, 2, 0xFFFF)
            + struct.pack("<HI", type_id, 0)
        ), name
    # Dictionary's VB_Description becomes its doc string, exactly as Excel stored it.
    docstring = "Drop-in replacement for Scripting.Dictionary on Mac\r\n\r\nDictionary v1.4.0\r\n"
    record = struct.pack("<HI", 0x1C, 232) + docstring.encode()
    assert record in records and record in _dir_records(_quickstart_project())


def test_build_is_deterministic_and_quick(project):
    modules, classes = _sources()
    assert build_vba_project(DOCUMENTS, modules, classes) == project


def test_more_sheets_and_a_project_name():
    documents = ["ThisWorkbook", *(f"Sheet{i}" for i in range(1, 9))]
    data = build_vba_project(documents, {"Tools": "Sub A()\nEnd Sub"}, None, project_name="KPIProject")
    macros = _macros(data)
    assert set(macros) == {f"VBA/{name}" for name in [*documents, "Tools"]}
    assert macros["VBA/Tools"] == 'Attribute VB_Name = "Tools"\r\nSub A()\r\nEnd Sub\r\n'
    assert 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in macros["VBA/Sheet8"]
    assert b'Name="KPIProject"' in olefile.OleFileIO(io.BytesIO(data)).openstream("PROJECT").read()
    assert struct.pack("<HI", 4, 10) + b"KPIProject" in _dir_records(data)


def test_source_rules():
    # A matching VB_Name line is accepted and not doubled; classes get default attributes.
    data = build_vba_project(
        ["ThisWorkbook"],
        {"M": 'Attribute VB_Name = "M"\r\nSub A()\r\nEnd Sub\r\n'},
        {"C": "Public X As Long\n"},
    )
    macros = _macros(data)
    assert macros["VBA/M"] == 'Attribute VB_Name = "M"\r\nSub A()\r\nEnd Sub\r\n'
    assert macros["VBA/C"].startswith('Attribute VB_Name = "C"\r\nAttribute VB_Base = "0{FCFB3D2A-')
    assert "Attribute VB_Exposed = False\r\nAttribute VB_TemplateDerived = False\r\n" in macros["VBA/C"]
    assert macros["VBA/C"].endswith("Attribute VB_Customizable = False\r\nPublic X As Long\r\n")

    with pytest.raises(ValueError, match="at least"):
        build_vba_project([], {})
    with pytest.raises(ValueError, match="twice"):
        build_vba_project(["ThisWorkbook", "Sheet1"], {"sheet1": ""})
    with pytest.raises(ValueError, match="invalid VBA module name"):
        build_vba_project(["ThisWorkbook"], {"Refresh KPIs": ""})
    with pytest.raises(ValueError, match="invalid VBA project name"):
        build_vba_project(["ThisWorkbook"], {}, project_name="1st")
    with pytest.raises(ValueError, match="code page 1252"):
        build_vba_project(["ThisWorkbook"], {"M": "' \u20ac ok, \u0141 not\n"})
    with pytest.raises(ValueError, match="VB_Name"):
        build_vba_project(["ThisWorkbook"], {"M": 'Attribute VB_Name = "Other"\n'})


def test_kpi_modules():
    for language in ("nl", "en"):
        source = kpi_modules(language)["KPIRefresh"]
        assert f"Public Sub RefreshKPIs()\r\n    {REFRESH_CALL}\r\nEnd Sub\r\n" in source
        assert source.startswith("' KPIRefresh: ")
        source.encode("cp1252")
    assert "vernieuwt" in kpi_modules("nl")["KPIRefresh"]
    assert "refreshes" in kpi_modules("en")["KPIRefresh"]
    with pytest.raises(ValueError, match="language"):
        kpi_modules("de")


def test_xlwings_sources_come_from_the_pinned_version(monkeypatch):
    modules, classes = xlwings_vba_sources()
    assert set(modules) == {"xlwings"} and set(classes) == {"Dictionary"}
    assert not modules["xlwings"].startswith("Attribute VB_Name")
    assert classes["Dictionary"].startswith("Attribute VB_GlobalNameSpace = False\r\n")
    assert "xlwings64-" in modules["xlwings"]  # the DLL of this exact version
    monkeypatch.setattr(xlwings, "__version__", "0.38.0")
    with pytest.raises(RuntimeError, match="0.37.8"):
        xlwings_vba_sources()


# --- building blocks -------------------------------------------------------------------


def test_compression_round_trips_through_oletools():
    rng = random.Random(7)
    samples = [
        b"",
        b"A",
        b"\x00" * 4096,
        b"~" * 10000,
        (b"abc" * 5000)[:8192],
        bytes(rng.getrandbits(8) for _ in range(4096)),
        *((XLWINGS_DIR / "addin" / name).read_bytes() for name in ("Dictionary.cls", "Main.bas", "WebHelpers.bas")),
        *(bytes(rng.choice(b"ab ~\r\nxy") for _ in range(rng.randint(1, 9000))) for _ in range(20)),
    ]
    for data in samples:
        packed = compress(data)
        assert packed[0] == 1
        assert bytes(olevba.decompress_stream(bytearray(packed))) == data
    # Incompressible short last chunk: stored raw, padded with zeros to 4096 (MS-OVBA).
    tail = bytes(rng.getrandbits(8) for _ in range(904))
    assert bytes(olevba.decompress_stream(bytearray(compress(tail)))).rstrip(b"\0") == tail.rstrip(b"\0")


def test_compound_file_streams_of_every_size_class():
    rng = random.Random(11)
    sizes = [0, 1, 63, 64, 65, 4095, 4096, 4097, 70000]
    tree = {
        "PROJECT": b"x",
        "VBA": {f"S{size}": bytes(rng.getrandbits(8) for _ in range(size)) for size in sizes},
        "Many": {f"M{i:02d}{'x' * (i % 5)}": bytes([i]) * (i * 37) for i in range(23)},
        "Empty": {},
    }
    ole = olefile.OleFileIO(io.BytesIO(write_compound_file(tree)), raise_defects=olefile.DEFECT_INCORRECT)
    for storage, children in tree.items():
        if isinstance(children, bytes):
            assert ole.openstream(storage).read() == children
            continue
        assert ole.get_type(storage) == olefile.STGTY_STORAGE
        for name, data in children.items():
            assert ole.openstream(f"{storage}/{name}").read() == data, (storage, name)
    for entry in ole.direntries:
        if entry is not None and entry.entry_type in (olefile.STGTY_STORAGE, olefile.STGTY_ROOT):
            _check_red_black(ole, entry.sid_child)


def _check_red_black(ole, root: int) -> None:
    """MS-CFB: siblings form a red-black tree ordered by (name length, upper-cased name)."""
    nostream = 0xFFFFFFFF
    if root == nostream:
        return
    assert ole.direntries[root].color == 1, "root of a sibling tree must be black"
    names: list[str] = []

    def walk(sid: int, parent_red: bool) -> int:
        if sid == nostream:
            return 1
        entry = ole.direntries[sid]
        red = entry.color == 0
        assert not (red and parent_red), "red node with a red parent"
        left = walk(entry.sid_left, red)
        names.append(entry.name)
        right = walk(entry.sid_right, red)
        assert left == right, "unequal black heights"
        return left + (0 if red else 1)

    walk(root, False)
    keys = [(len(name), name.upper()) for name in names]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


# --- end to end: XlsxWriter writes the .xlsm, LibreOffice loads its macros -------------


def test_libreoffice_loads_the_macros_of_an_xlsxwriter_workbook(project, tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter", reason="XlsxWriter is not installed")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check that it loads the macros")

    path = tmp_path / "kpi.xlsm"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_vba_project(io.BytesIO(project), is_stream=True)
    workbook.set_vba_name("ThisWorkbook")
    kpi = workbook.add_worksheet("KPI")
    kpi.set_vba_name("Sheet1")
    kpi.insert_button("B2", {"macro": "RefreshKPIs", "caption": "Vernieuwen"})
    deals = workbook.add_worksheet("Deals")
    deals.set_vba_name("Sheet2")
    deals.write("A1", "Deal")
    workbook.close()

    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/vbaProject.bin") == project
        assert b'codeName="ThisWorkbook"' in archive.read("xl/workbook.xml")
        assert b'codeName="Sheet1"' in archive.read("xl/worksheets/sheet1.xml")
        assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in archive.read("[Content_Types].xml")

    out = tmp_path / "out"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo_profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsm:Calc MS Excel 2007 VBA XML",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    exported = out / "kpi.xlsm"
    assert exported.exists(), f"LibreOffice wrote nothing: {result.stdout}\n{result.stderr}"
    with zipfile.ZipFile(exported) as archive:
        again = archive.read("xl/vbaProject.bin")
        parts = {name: archive.read(name) for name in archive.namelist() if name.startswith("xl/")}

    # LibreOffice wrote a project of its own (new project ID) from the Basic modules it
    # loaded, and they still hold the macro, the RunPython call and the xlwings module.
    ours_id = olefile.OleFileIO(io.BytesIO(project)).openstream("PROJECT").read().split(b"\r\n")[0]
    assert olefile.OleFileIO(io.BytesIO(again)).openstream("PROJECT").read().split(b"\r\n")[0] != ours_id
    macros = _macros(again)
    refresh = macros["VBA/KPIRefresh"]
    assert "Sub RefreshKPIs()" in refresh and REFRESH_CALL in refresh
    assert "Public Function RunPython(PythonCommand As String)" in macros["VBA/xlwings"]
    assert "VBA/Dictionary" in macros
    # It also resolved the button's macro to the module holding it (a button whose macro
    # is missing from the project loses its assignment in the same round trip).
    assert any(b"KPIRefresh.RefreshKPIs" in data for data in parts.values())
