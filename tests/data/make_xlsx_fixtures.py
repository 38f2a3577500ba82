#!/usr/bin/env python3
"""Writes the XLSX roster fixtures used by tests/cli/import_xlsx.sh and the XLSX fuzz corpus.

Run from this directory after make_fixtures.py: python3 make_xlsx_fixtures.py. The outputs are
committed. Only the standard library is used: the workbook parts are written as Excel writes
them (shared strings, a styles part with date formats, merged title cells, numbers typed into
cells) so that the tests do not depend on a spreadsheet program.

  roster_mixed.xlsx      roster_mixed.csv as a workbook: 序号, 月收入 and phone numbers are
                         numbers, 务工时间 is a date cell (yyyy"年"m"月"), empty cells are left
                         out, a second sheet 说明 after the roster
  roster_workshop.xlsx   roster_workshop.csv with its title rows merged across the sheet
  orgs.xlsx              orgs.csv as a workbook
  roster_numeric_id.xlsx roster_good.csv with the first two ID numbers typed in as numbers
                         (Excel keeps 15 digits: 6.4052219900307E+17) and an 入职日期 date column
  roster_sheets.xlsx     a 说明 sheet first (no roster in it), then 花名册 (roster_good.csv) in
                         inline strings, as some non-Excel programs write
"""
import csv
import datetime
import os
import re
import zipfile
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PNS = "http://schemas.openxmlformats.org/package/2006/relationships"
HDR = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# cell styles: 0 General, 1 yyyy"年"m"月" (custom 164), 2 yyyy/m/d (built-in 14), 3 text "@"
STYLES = (HDR + f'<styleSheet xmlns="{NS}"><numFmts count="1">'
          '<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts>'
          '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border/></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '</styleSheet>')


def colname(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def serial(d):
    return (d - datetime.date(1899, 12, 30)).days


class Book:
    def __init__(self):
        self.sheets = []  # (name, xml)
        self.sst = []
        self.sst_index = {}

    def s(self, text):
        if text not in self.sst_index:
            self.sst_index[text] = len(self.sst)
            self.sst.append(text)
        return self.sst_index[text]

    def add_sheet(self, name, rows, merges=(), inline=False):
        """rows: list of lists of cells; a cell is None (left out), ("n", text), ("d", date, style),
        ("s", text)."""
        out = [HDR, f'<worksheet xmlns="{NS}" xmlns:r="{RNS}"><sheetData>']
        for r, row in enumerate(rows, 1):
            cells = []
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                ref = f"{colname(c)}{r}"
                if cell[0] == "n":
                    cells.append(f'<c r="{ref}"><v>{cell[1]}</v></c>')
                elif cell[0] == "d":
                    cells.append(f'<c r="{ref}" s="{cell[2]}"><v>{serial(cell[1])}</v></c>')
                elif inline:
                    sp = ' xml:space="preserve"' if cell[1] != cell[1].strip() or "\n" in cell[1] else ""
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t{sp}>{escape(cell[1])}</t></is></c>')
                else:
                    cells.append(f'<c r="{ref}" t="s"><v>{self.s(cell[1])}</v></c>')
            if cells:
                out.append(f'<row r="{r}">' + "".join(cells) + "</row>")
        out.append("</sheetData>")
        if merges:
            out.append(f'<mergeCells count="{len(merges)}">' +
                       "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>")
        out.append("</worksheet>")
        self.sheets.append((name, "".join(out)))

    def write(self, path):
        ct = [HDR, '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
              '<Default Extension="xml" ContentType="application/xml"/>',
              '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>']
        for i in range(len(self.sheets)):
            ct.append(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        ct.append('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>')
        ct.append("</Types>")
        rootrels = (HDR + f'<Relationships xmlns="{PNS}"><Relationship Id="rId1" '
                    f'Type="{RNS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        wb = [HDR, f'<workbook xmlns="{NS}" xmlns:r="{RNS}"><workbookPr/><sheets>']
        rels = [HDR, f'<Relationships xmlns="{PNS}">']
        for i, (name, _) in enumerate(self.sheets, 1):
            wb.append(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>')
            rels.append(f'<Relationship Id="rId{i}" Type="{RNS}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        n = len(self.sheets)
        rels.append(f'<Relationship Id="rId{n + 1}" Type="{RNS}/sharedStrings" Target="sharedStrings.xml"/>')
        rels.append(f'<Relationship Id="rId{n + 2}" Type="{RNS}/styles" Target="styles.xml"/>')
        rels.append("</Relationships>")
        wb.append("</sheets></workbook>")
        sst = [HDR, f'<sst xmlns="{NS}" count="{len(self.sst)}" uniqueCount="{len(self.sst)}">']
        for t in self.sst:
            sp = ' xml:space="preserve"' if t != t.strip() or "\n" in t else ""
            sst.append(f"<si><t{sp}>{escape(t)}</t></si>")
        sst.append("</sst>")
        if os.path.exists(path):
            os.unlink(path)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            # a fixed timestamp so that re-running the script changes nothing
            def put(name, text):
                info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, text.encode("utf-8"))
            put("[Content_Types].xml", "".join(ct))
            put("_rels/.rels", rootrels)
            put("xl/workbook.xml", "".join(wb))
            put("xl/_rels/workbook.xml.rels", "".join(rels))
            for i, (_, xml) in enumerate(self.sheets, 1):
                put(f"xl/worksheets/sheet{i}.xml", xml)
            put("xl/sharedStrings.xml", "".join(sst))
            put("xl/styles.xml", STYLES)


def typed(text, col_name=""):
    """A cell as Excel makes it when the text is typed in: up to 15 digits become a number,
    yyyy-mm in a 时间 column a date; empty cells are left out."""
    if text == "":
        return None
    if re.fullmatch(r"[1-9][0-9]{0,14}", text):
        return ("n", text)
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if m and "时间" in col_name:
        return ("d", datetime.date(int(m[1]), int(m[2]), 1), 1)
    return ("s", text)


def csv_rows(name):
    with open(name, encoding="utf-8", newline="") as f:
        return [row for row in csv.reader(f)]


def from_csv(name):
    rows = csv_rows(name)
    header = rows[0]
    out = []
    for row in rows:
        out.append([typed(v, header[i] if i < len(header) else "") for i, v in enumerate(row)])
    return out


def excel_number(digits):
    """An 18-digit number as Excel stores it after it was typed in: 15 significant digits,
    written in the shortest form that reads back as the same double, with E+17."""
    v = float(digits[:15] + "0" * (len(digits) - 15))
    return repr(v).upper()


def main():
    b = Book()
    b.add_sheet("花名册", from_csv("roster_mixed.csv"))
    b.add_sheet("说明", [[("s", "本表由乡镇填报，身份证号请设置为文本格式。")]])
    b.write("roster_mixed.xlsx")

    b = Book()
    rows = csv_rows("roster_workshop.csv")
    header = rows[3]
    b.add_sheet("5-20-2", [[typed(v, header[i] if i < len(header) else "") for i, v in enumerate(r)] for r in rows],
                merges=("A1:M1", "A2:M2"))
    b.write("roster_workshop.xlsx")

    b = Book()
    b.add_sheet("Sheet1", from_csv("orgs.csv"))
    b.write("orgs.xlsx")

    rows = csv_rows("roster_good.csv")
    header = rows[0] + ["入职日期"]
    idcol = header.index("身份证号")
    sheet = [[typed(v) for v in header]]
    for i, r in enumerate(rows[1:]):
        cells = [typed(v, header[k]) for k, v in enumerate(r)]
        if i < 2:
            cells[idcol] = ("n", excel_number(r[idcol]))
        cells.append(("d", datetime.date(2024, 3, 7 + i), 2))
        sheet.append(cells)
    b = Book()
    b.add_sheet("花名册", sheet)
    b.write("roster_numeric_id.xlsx")

    b = Book()
    b.add_sheet("说明", [[("s", "填表说明")], [("s", "1. 身份证号设置为文本格式")]])
    b.add_sheet("花名册", from_csv("roster_good.csv"), inline=True)
    b.write("roster_sheets.xlsx")

    # fuzz corpus: small valid workbooks and broken ones
    corpus = os.path.join("..", "..", "fuzz", "corpus", "xlsx")
    os.makedirs(corpus, exist_ok=True)
    b = Book()
    b.add_sheet("S", [[("s", "姓名"), ("s", "身份证号"), None, ("n", "3000.5")],
                      [("s", "马 小"), ("n", excel_number("640522199003070019")), ("d", datetime.date(2024, 2, 29), 2)]])
    b.write(os.path.join(corpus, "small.xlsx"))
    data = open(os.path.join(corpus, "small.xlsx"), "rb").read()
    open(os.path.join(corpus, "truncated.xlsx"), "wb").write(data[:len(data) // 2])
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x55
    open(os.path.join(corpus, "flipped.xlsx"), "wb").write(bytes(flipped))
    b = Book()
    b.add_sheet("S", [[("s", "a")], [], [None, None, ("s", "c")]], inline=True)
    b.write(os.path.join(corpus, "sparse_inline.xlsx"))
    b = Book()
    b.add_sheet("S", [[("s", "x")]])
    b.sheets[0] = ("S", '<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>' + b.sheets[0][1].replace(HDR, ""))
    b.write(os.path.join(corpus, "doctype.xlsx"))
    b = Book()
    b.add_sheet("S", [[("s", "x")]])
    b.sheets[0] = ("S", b.sheets[0][1].replace("<v>0</v>", "<v>7</v>"))
    b.write(os.path.join(corpus, "badref.xlsx"))
    open(os.path.join(corpus, "notzip.bin"), "wb").write("序号,姓名\n1,马\n".encode())


if __name__ == "__main__":
    main()
