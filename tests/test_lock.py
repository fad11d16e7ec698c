"""The lock files and pyproject.toml agree, and what is installed is what the lock pins.

pyproject.toml keeps the ranges a release may fall in; requirements/*.txt pin one version of every package, direct
and indirect, with its hashes (`make lock`). Editing one without the other fails here, before a fresh clone would
install something nobody tested.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"
TEST_LOCK = ROOT / "requirements" / "test.txt"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def pins(lock: Path) -> dict[str, Version]:
    """The versions the lock pins for this interpreter and platform (a universal lock also holds others)."""
    found = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            if match["marker"] and not Marker(match["marker"]).evaluate():
                continue
            found[canonicalize_name(match["name"])] = Version(match["version"])
    return found


def project_requirements(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = list(project["dependencies"])
    for extra in extras:
        texts += project["optional-dependencies"][extra]
    requirements = [Requirement(text) for text in texts]
    return [r for r in requirements if r.marker is None or r.marker.evaluate()]


def needed(requirements: list[Requirement]) -> set[str]:
    """Every distribution these requirements need, directly or through others, read from the installed metadata."""
    seen: set[str] = set()
    todo = [(canonicalize_name(r.name), set(r.extras)) for r in requirements]
    while todo:
        name, extras = todo.pop()
        key = name + "[" + ",".join(sorted(extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            applies = requirement.marker is None or any(
                requirement.marker.evaluate({"extra": extra}) for extra in (extras or {""})
            )
            if applies:
                todo.append((canonicalize_name(requirement.name), set(requirement.extras)))
    return {key.split("[")[0] for key in seen}


@pytest.mark.parametrize(("lock", "extras"), [(RUNTIME_LOCK, ()), (TEST_LOCK, ("test",))], ids=["runtime", "test"])
def test_every_range_in_pyproject_is_pinned_within_it(lock, extras):
    pinned = pins(lock)
    for requirement in project_requirements(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement} is in pyproject.toml but not in {lock.name}: run make lock"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock.name} pins {name}=={pinned[name]}, outside pyproject.toml's {requirement}: run make lock"
        )


@pytest.mark.parametrize(("lock", "extras"), [(RUNTIME_LOCK, ()), (TEST_LOCK, ("test",))], ids=["runtime", "test"])
def test_the_lock_holds_exactly_what_pyproject_needs(lock, extras):
    assert set(pins(lock)) == needed(project_requirements(*extras)), f"{lock.name} is stale: run make lock"


def test_the_tests_run_the_versions_production_installs():
    runtime, test = pins(RUNTIME_LOCK), pins(TEST_LOCK)
    assert {name: test.get(name) for name in runtime} == runtime


def test_what_is_installed_is_what_the_test_lock_pins():
    installed = {name: Version(metadata.version(name)) for name in pins(TEST_LOCK)}
    assert installed == pins(TEST_LOCK), "the environment was not installed from the lock: run make test"


def test_every_pin_carries_hashes():
    for lock in (RUNTIME_LOCK, TEST_LOCK):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
        for block in blocks:
            if PIN.match(block.splitlines()[0]):
                assert "--hash=sha256:" in block, f"{lock.name}: {block.splitlines()[0]} has no hash"
