"""cd.yml's image job rehearsed on a push to main: Pants builds each changed service's pexes,
then buildah its image; without the Pants step the job fails, as it once did on GitHub."""

from __future__ import annotations

import tarfile
from pathlib import Path

from tests.workflows.rehearsal import Rehearse, failures
from tests.workflows.rehearsals.commits import change


def test_the_cd_image_job_builds_each_service_with_pants_then_buildah(
    rehearse: Rehearse, origin: tuple[Path, str], base_image: str
) -> None:
    _, commit = origin

    rehearsal = rehearse(commit, "push", {"deploy/image"}, {"BASE_IMAGE": base_image})

    problems = failures(rehearsal.results)
    assert not problems, "\n".join(problems)
    built = rehearsal.site.artifacts / "images"
    assert (built / "services.txt").read_text().split() == ["api"]
    with tarfile.open(built / "api.tar") as archive:
        assert "index.json" in archive.getnames()


def test_an_image_job_without_the_pants_step_fails_its_rehearsal(
    rehearse: Rehearse, origin: tuple[Path, str], scratch: Path, base_image: str
) -> None:
    bare, commit = origin
    # What cd.yml's image job did first: a build of the Dockerfile with no pexes in its context.
    step = (
        '"${PANTS:-./pants}" package "services/$service:image-deps" "services/$service:image-code"'
    )
    broken = change(bare, commit, {".ci/build-image": (step, "")}, scratch)

    rehearsal = rehearse(broken, "push", {"deploy/image"}, {"BASE_IMAGE": base_image})

    problems = failures(rehearsal.results)
    assert any("image-deps.pex" in problem for problem in problems), problems
