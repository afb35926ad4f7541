"""Package for `pip install .` and for Beam workers (--setup_file ./setup.py).

Runtime dependencies come from requirements.txt, the one place they are
pinned, so workers run exactly what the tests ran with.
"""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent


def pinned_requirements():
    lines = (HERE / 'requirements.txt').read_text().splitlines()
    return [line.split('#', 1)[0].strip() for line in lines if line.split('#', 1)[0].strip()]


def beam_pin():
    return next(r for r in pinned_requirements() if r.startswith('apache-beam=='))


def beam_extra(extra):
    """Beam's own extra (gs:// or s3:// filesystems and runners) at the pinned Beam version."""
    return beam_pin().replace('apache-beam', f'apache-beam[{extra}]')


setup(
    name='news-ingest',
    version='0.1.0',
    description='Apache Beam pipeline: raw news dumps in, clean deduplicated Parquet tables out',
    python_requires='>=3.10',
    packages=find_packages(include=['pipeline', 'pipeline.*', 'transforms', 'transforms.*', 'schemas', 'schemas.*']),
    # the trained boilerplate model ships with the code, so workers need no download
    package_data={'transforms.text': ['boilerplate_model.json']},
    include_package_data=True,
    install_requires=pinned_requirements(),
    # gs:// input/output and Dataflow: pip install '.[gcp]'; s3://: '.[aws]'.
    extras_require={'gcp': [beam_extra('gcp')], 'aws': [beam_extra('aws')]},
    entry_points={'console_scripts': ['news-ingest=pipeline.run:main']},
)
