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


setup(
    name='news-ingest',
    version='0.1.0',
    description='Apache Beam pipeline: raw news dumps in, clean deduplicated Parquet tables out',
    python_requires='>=3.10',
    packages=find_packages(include=['pipeline', 'pipeline.*', 'transforms', 'transforms.*', 'schemas', 'schemas.*']),
    install_requires=pinned_requirements(),
    entry_points={'console_scripts': ['news-ingest=pipeline.run:main']},
)
