"""No personal data in any tracked file, built wheel or sdist: e-mail addresses and phone numbers are scanned for.

The only addresses allowed are those that cannot belong to a person: the domains reserved for examples
(RFC 2606) and the organisation addresses on :data:`ALLOWED_EMAILS`. Phone numbers are matched in the Dutch
forms the profiles use; invented ones in the tests are written with zeros (``0000 – 000000``), which no
real number has.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(
    r"(?<![\w.])(?:(?:\+|00)31[\s\u00a0-]*(?:\(0\))?[\s\u00a0]*|0)[1-9](?:[\s\u00a0]?[-–]?[\s\u00a0]?\d){8}(?![\w.])"
)
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
ALLOWED_EMAILS: frozenset[str] = frozenset()
"""Addresses of organisations (an ``info@`` a profile gives, say) that may be published; none so far."""


def findings(name: str, text: str) -> list[str]:
    """``name: match`` for every e-mail address or phone number in ``text`` that is not allowed."""
    found = []
    for match in EMAIL.finditer(text):
        address = match.group().lower()
        if address.rsplit("@", 1)[1] not in EXAMPLE_DOMAINS and address not in ALLOWED_EMAILS:
            found.append(f"{name}: {match.group()}")
    found += [f"{name}: {match.group()}" for match in PHONE.finditer(text)]
    return found


def scan(files: Iterable[tuple[str, bytes]]) -> list[str]:
    return [finding for name, data in files for finding in findings(name, data.decode("utf-8", errors="ignore"))]


def test_the_scan_finds_addresses_and_numbers_in_the_forms_the_profiles_use() -> None:
    # Built here, so that this file (scanned too, and in the sdist) holds no address or number.
    mobile, landline, international = "0" + "6-12345678", "0" + "591 – 685972", "+31 6 " + "1234 5678"
    address = "iemand" + "@gemeente.nl"
    text = f"Mail/telefoon: {address}, tel: {landline}\nof {mobile}, {international}\nj.jansen@example.org"
    assert findings("t", text) == [f"t: {address}", f"t: {landline}", f"t: {mobile}", f"t: {international}"]
    assert findings("t", "tel: 0000 – 000000, 2026-11-23, 0.12345678, sha 0123456789abcdef") == []


def tracked_files() -> Iterator[tuple[str, bytes]]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in listed.decode().split("\0"):
        path = ROOT / name
        if name and path.is_file():
            yield name, path.read_bytes()


def test_no_tracked_file_holds_an_e_mail_address_or_phone_number_of_a_person() -> None:
    assert scan(tracked_files()) == []


def test_the_redacted_sources_keep_every_other_line_in_place() -> None:
    for path in sorted((ROOT / "data" / "sources").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        redacted = [n for n, line in enumerate(lines, 1) if "contactgegevens verwijderd" in line]
        assert all(lines[n - 1] == "[contactgegevens verwijderd]" for n in redacted), path.name
        assert f"`{path.name}` | {', '.join(map(str, redacted)) or 'none'} |" in (path.parent / "README.md").read_text()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel and the sdist, built from a copy of the tracked files plus a private folder, as a maintainer has."""
    checkout = tmp_path_factory.mktemp("checkout")
    for name, data in tracked_files():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_bytes(data)
    (checkout / "data" / "private").mkdir()
    (checkout / "data" / "private" / "contacts.ttl").write_text(
        '<urn:x> <https://schema.org/email> "p' + '@gemeente.nl" .\n'
    )
    out = tmp_path_factory.mktemp("dist")
    command = [
        sys.executable,
        "-m",
        "build",
        "--no-isolation",
        "--wheel",
        "--sdist",
        "--outdir",
        str(out),
        str(checkout),
    ]
    subprocess.run(command, capture_output=True, check=True, timeout=300)
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def wheel_files(path: Path) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as wheel:
        for name in wheel.namelist():
            yield name, wheel.read(name)


def sdist_files(path: Path) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(path) as sdist:
        for member in sdist.getmembers():
            extracted = sdist.extractfile(member) if member.isfile() else None
            if extracted is not None:
                yield member.name, extracted.read()


def test_the_wheel_holds_the_published_data_and_no_personal_data(built: dict[str, Path]) -> None:
    files = dict(wheel_files(built["wheel"]))
    assert "mzgraph/_bundled/data/organisations/gemeente-emmen.ttl" in files
    assert "mzgraph/_bundled/data/sources/gemeente-emmen.txt" in files
    assert not [name for name in files if "/private/" in name]
    assert scan(files.items()) == []


def test_the_sdist_holds_the_sources_and_no_personal_data(built: dict[str, Path]) -> None:
    files = dict(sdist_files(built["sdist"]))
    assert any(name.endswith("/data/organisations/gemeente-emmen.ttl") for name in files)
    assert not [name for name in files if "/data/private" in name]
    assert scan(files.items()) == []
