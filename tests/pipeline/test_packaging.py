"""What cloud workers get: `python setup.py sdist` makes an archive that
installs, with the pinned dependencies, in a fresh virtual environment and
runs the seeds from outside the checkout."""
from __future__ import annotations

import subprocess
import sys
import venv

import pyarrow.dataset as ds

from tests.conftest import REPO, SEEDS, assert_accounted


def test_sdist_installs_in_a_clean_venv_and_runs_the_seeds(tmp_path):
    dist = tmp_path / 'dist'
    subprocess.run([sys.executable, 'setup.py', '-q', 'sdist', '-d', str(dist)], cwd=REPO, check=True,
                   capture_output=True)
    [archive] = list(dist.glob('news-ingest-*.tar.gz'))
    env_dir = tmp_path / 'venv'
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / 'bin' / 'python'
    install = subprocess.run([str(python), '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
                              '-c', str(REPO / 'constraints.txt'), str(archive)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    elsewhere = tmp_path / 'elsewhere'    # not the checkout: only the installed package can be imported
    elsewhere.mkdir()
    result = subprocess.run([str(python), '-m', 'pipeline.run', '--input', str(SEEDS / '*.txt'),
                             '--output', str(elsewhere / 'out'), '--quiet'],
                            cwd=elsewhere, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'accounting         ok: 2 read = 2 articles + 0 rejects' in result.stdout
    assert_accounted(elsewhere / 'out')
    located = subprocess.run([str(python), '-c', 'import transforms, pathlib; print(pathlib.Path(transforms.__file__))'],
                             cwd=elsewhere, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in located     # the installed copy, not the checkout
    passages = ds.dataset(elsewhere / 'out' / 'passages', format='parquet').to_table().to_pylist()
    assert sum(p['is_duplicate'] for p in passages) == 1


def test_dockerfile_builds_on_the_pinned_beam_and_python():
    """Docker is not on the development machines; what can be checked is
    that the image is Beam's SDK image at the versions the tests ran with,
    and that everything it copies exists."""
    import re
    dockerfile = (REPO / 'Dockerfile').read_text()
    [base] = re.findall(r'^FROM (\S+)', dockerfile, flags=re.M)
    pinned = re.search(r'^apache-beam==(\S+)$', (REPO / 'requirements.txt').read_text(), flags=re.M).group(1)
    assert base == f'apache/beam_python{sys.version_info.major}.{sys.version_info.minor}_sdk:{pinned}'
    for copied in re.findall(r'^COPY (.+) \./', dockerfile, flags=re.M):
        for name in copied.split():
            assert (REPO / name).exists(), name
    assert 'ENTRYPOINT ["/opt/apache/beam/boot"]' in dockerfile
