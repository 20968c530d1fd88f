"""``mzgraph import`` on the command line: exit codes, all-or-nothing writing, stable bytes, private contacts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import PROFILES, SOURCES, write_with_contacts

from mzgraph.bundled import data_dir
from mzgraph.cli import main

HAARLEM = SOURCES / "gemeente-haarlem.txt"
CONTACT_DETAILS = ("k.bakker@example.org", "j.jansen@example.org", "0000 – 000000", "a.tveld@example.org")
CONTACT_NAMES = ("Els de Boer", "Kees Bakker", "Jan Jansen", "Anna ‘t Veld")


def mzgraph(*args: str, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-m", "mzgraph.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_the_five_texts_import_to_conforming_turtle_with_contacts_kept_apart(tmp_path: Path) -> None:
    out, private = tmp_path / "organisations", tmp_path / "private"
    texts = [str(write_with_contacts(tmp_path / "texts", p)) for p in PROFILES]
    run = mzgraph("import", *texts, "--out", str(out), "--private-out", str(private))
    assert run.returncode == 0, run.stdout + run.stderr
    assert files(out) == [f"{p}.ttl" for p in PROFILES]
    assert files(private) == [
        "gemeente-emmen-contacts.ttl",
        "gemeente-haarlem-contacts.ttl",
        "regio-twente-contacts.ttl",
    ]
    assert "5 profile(s), written" in run.stdout and run.stdout.count("conforms: 0 violation(s)") == 5
    published = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert not any(detail in published for detail in CONTACT_DETAILS + CONTACT_NAMES)
    assert not any(detail in run.stdout for detail in CONTACT_DETAILS)
    kept_apart = (private / "gemeente-emmen-contacts.ttl").read_text(encoding="utf-8")
    assert "j.jansen@example.org" in kept_apart and "0000 – 000000" in kept_apart


def test_the_redacted_texts_import_without_any_contact(tmp_path: Path) -> None:
    run = mzgraph("import", *(str(SOURCES / f"{p}.txt") for p in PROFILES), "--out", str(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert files(tmp_path) == [f"{p}.ttl" for p in PROFILES]


def test_importing_the_same_text_again_gives_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    haarlem = write_with_contacts(tmp_path / "texts", "gemeente-haarlem")
    for seed in ("1", "2"):
        out = tmp_path / seed
        run = mzgraph("import", str(haarlem), "--out", str(out), seed=seed)
        assert run.returncode == 0, run.stderr
        outputs.append({name: (out / name).read_bytes() for name in files(out)})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {"gemeente-haarlem.ttl", "private/gemeente-haarlem-contacts.ttl"}


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


HEADER = "Werk&Mantelzorg\n\nGemeente Voorbeeld\n\nErkend mantelzorgvriendelijk sinds: {date}\n\n"
SECTION = "Welke concrete acties hebt u uitgevoerd om medewerkers bewust te maken van het thema?\n\n • Posters.\n"
BAD_INPUTS = [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b"\n \n\t\n", "the file is empty"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "not a text file"),
    ("no-sections.txt", HEADER.format(date="1 maart 2020") + "Een inleiding zonder vragen.\n", "no question sections"),
    ("no-date.txt", HEADER.replace("Erkend mantelzorgvriendelijk sinds: {date}\n\n", "") + SECTION, "no 'Erkend"),
    ("impossible-date.txt", HEADER.format(date="31 februari 2020") + SECTION, ":5: Erkend mantelzorgvriendelijk sinds"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_unusable_input_exits_2_with_a_clear_message_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes | str, message: str
) -> None:
    path = write(tmp_path, name, data)
    out = tmp_path / "out"
    assert main(["import", str(path), str(HAARLEM), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and message in err and "nothing written" in err
    assert "Traceback" not in err
    assert files(out) == []


@pytest.mark.parametrize("where", ["missing.txt", "."])
def test_a_missing_file_or_a_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    assert main(["import", str(tmp_path / where), "--out", str(tmp_path / "out")]) == 2
    assert "cannot open file" in capsys.readouterr().err


def test_an_unreadable_vocabulary_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = write(tmp_path, "labels.ttl", "mt:intranet skos:altLabel .")
    assert main(["import", str(HAARLEM), "--out", str(tmp_path / "out"), "--vocabulary", str(broken)]) == 2
    assert f"{broken}:1" in capsys.readouterr().err


def test_violations_exit_1_print_where_and_how_to_fix_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HAARLEM.read_text(encoding="utf-8").replace("Flexibel werken is mogelijk.", "Een fietsplan voor iedereen.")
    text = text.replace(
        " Ook bij roosterwerk wordt gekeken naar de mogelijkheden om werk en mantelzorg te combineren.", ""
    )
    path = write(tmp_path, "gemeente-haarlem.txt", text)
    out = tmp_path / "out"
    assert main(["import", str(path), "--out", str(out), "--strict"]) == 1
    report = capsys.readouterr().out
    assert f"{out / 'gemeente-haarlem.ttl'}:" in report and "m:tailored-2" in report
    assert "Violation  mz:category" in report and "fix:" in report and "nothing written" in report
    assert files(out) == []


@pytest.mark.parametrize(
    ("encode", "note"),
    [
        (lambda t: t.encode("cp1252"), "read as Windows-1252"),
        (lambda t: b"\xef\xbb\xbf" + t.encode(), "byte-order mark"),
    ],
)
def test_windows_1252_and_a_byte_order_mark_are_imported_with_a_note(tmp_path: Path, capsys, encode, note: str) -> None:
    path = write(tmp_path, "gemeente-haarlem.txt", encode(HAARLEM.read_text(encoding="utf-8")))
    assert main(["import", str(path), "--out", str(tmp_path / "a"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert note in report["profiles"][0]["notes"][0]
    assert main(["import", str(HAARLEM), "--out", str(tmp_path / "b")]) == 0
    decoded, original = (tmp_path / d / "gemeente-haarlem.ttl" for d in "ab")
    differing = set(decoded.read_text().splitlines()) ^ set(original.read_text().splitlines())
    assert all("sha256" in line or "SHA-256" in line or "charset" in line for line in differing), differing


@pytest.fixture
def haarlem_with_contacts(tmp_path: Path) -> Path:
    """Haarlem's text with invented people in its redacted contact lines."""
    return write_with_contacts(tmp_path / "texts", "gemeente-haarlem")


def test_contacts_are_never_written_where_they_would_be_published(
    tmp_path: Path, haarlem_with_contacts: Path, capsys
) -> None:
    published = data_dir() / "organisations" / "private"
    for private in (published, tmp_path / "out"):
        out = ["--out", str(tmp_path / "out"), "--private-out", str(private), "--dry-run"]
        args = ["import", str(haarlem_with_contacts), *out]
        assert main(args) == 2
        assert "contact persons" in capsys.readouterr().err
    assert not published.exists()


def test_the_json_report_says_what_was_imported_and_when(tmp_path: Path, haarlem_with_contacts: Path, capsys) -> None:
    assert main(["import", str(haarlem_with_contacts), "--out", str(tmp_path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["written"] is True and report["imported_at"].endswith("+00:00")
    (profile,) = report["profiles"]
    assert profile["measures"] == {"awareness": 5, "dialogue": 3, "tailored": 4, "embedding": 5}
    assert profile["partners"] == [{"partner": "Tandem", "role": "Ondersteuner van mantelzorgers", "line": 30}]
    assert profile["truncated"] == [31] and profile["contacts"] == 2
    assert (profile["place"], profile["provinces_named"]) == ("Haarlem", ["Noord-Holland"])
    assert profile["validation"] == {"conforms": True, "violations": 0, "warnings": 0}


def test_a_dry_run_validates_and_writes_nothing(tmp_path: Path, capsys) -> None:
    assert main(["import", str(HAARLEM), "--out", str(tmp_path / "out"), "--dry-run"]) == 0
    assert "nothing written" in capsys.readouterr().out
    assert files(tmp_path) == []


def test_an_existing_file_is_replaced_whole_and_no_temporary_file_stays(
    tmp_path: Path, haarlem_with_contacts: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "gemeente-haarlem.ttl").write_text("old")
    assert main(["import", str(haarlem_with_contacts), "--out", str(out), "--private-out", str(out / "p")]) == 0
    assert (out / "gemeente-haarlem.ttl").read_text(encoding="utf-8").startswith("# Gemeente Haarlem: imported")
    assert files(out) == ["gemeente-haarlem.ttl", "p/gemeente-haarlem-contacts.ttl"]


def test_an_output_folder_that_cannot_be_made_exits_2(tmp_path: Path, capsys) -> None:
    blocker = write(tmp_path, "not-a-folder", "x")
    assert main(["import", str(HAARLEM), "--out", str(blocker / "out")]) == 2
    assert "cannot write" in capsys.readouterr().err
