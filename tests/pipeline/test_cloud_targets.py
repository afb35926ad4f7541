"""Cloud runners cannot be reached from here: their Make targets are tested
with `make -n`, and their options are checked before anything is submitted."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest

from tests.conftest import REPO

DATAFLOW = ['PROJECT=news-ingest-prod', 'REGION=europe-west1', 'BUCKET=news-bucket',
            "INPUT=gs://news-bucket/dumps/*", 'OUTPUT=gs://news-bucket/tables']


def make_n(*args):
    result = subprocess.run(['make', '-n', '--no-print-directory', *args], cwd=REPO, capture_output=True, text=True,
                            check=True)
    # the recipe line of the target (after the .venv stamp's recipe, if any)
    command = [line for line in result.stdout.replace('\\\n', ' ').splitlines() if 'pipeline.run' in line][-1]
    return shlex.split(command)


@pytest.mark.parametrize('streaming', [False, True])
def test_make_n_dataflow_shows_a_complete_command(streaming):
    args = make_n('dataflow', *DATAFLOW, *(['STREAMING=1'] if streaming else []))
    assert args[:3] == ['.venv/bin/python', '-m', 'pipeline.run']
    for expected in ['--input', 'gs://news-bucket/dumps/*', '--output', 'gs://news-bucket/tables',
                     '--runner=DataflowRunner', '--project=news-ingest-prod', '--region=europe-west1',
                     '--temp_location=gs://news-bucket/tmp', '--staging_location=gs://news-bucket/staging',
                     '--setup_file=./setup.py']:
        assert expected in args, expected
    assert ('--streaming' in args) == streaming
    # The command make would run parses: our options and Beam's, nothing left over or misspelt.
    from pipeline.options import parse_args
    options, beam_args = parse_args(args[3:])
    assert options.streaming == streaming and options.output == 'gs://news-bucket/tables'
    from apache_beam.options.pipeline_options import GoogleCloudOptions, PipelineOptions
    gcp = PipelineOptions(beam_args).view_as(GoogleCloudOptions)
    assert (gcp.project, gcp.region, gcp.temp_location) == ('news-ingest-prod', 'europe-west1', 'gs://news-bucket/tmp')


def test_make_n_flink_and_spark_name_their_masters():
    flink = make_n('flink', 'FLINK_MASTER=flink.internal:8081', 'INPUT=s3://b/in/*', 'OUTPUT=s3://b/out')
    assert '--runner=FlinkRunner' in flink and '--flink_master=flink.internal:8081' in flink
    spark = make_n('spark', 'SPARK_MASTER=spark://spark.internal:7077', 'INPUT=s3://b/in/*', 'OUTPUT=s3://b/out')
    assert '--runner=SparkRunner' in spark and '--spark_master_url=spark://spark.internal:7077' in spark


def run(*args):
    return subprocess.run([sys.executable, '-m', 'pipeline.run', *args], cwd=REPO, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=60)


@pytest.mark.parametrize('args, message', [
    (['--runner=DataflowRunner', '--region=europe-west1', '--temp_location=gs://b/tmp'],
     'DataflowRunner needs --project=PROJECT_ID'),
    (['--runner=DataflowRunner', '--project=Bad_Project', '--region=europe-west1', '--temp_location=gs://b/tmp'],
     '--project=Bad_Project is not a Google Cloud project id'),
    (['--runner=DataflowRunner', '--project=news-ingest', '--region=europe', '--temp_location=gs://b/tmp'],
     '--region=europe is not a Google Cloud region'),
    (['--runner=DataflowRunner', '--project=news-ingest', '--region=europe-west1', '--temp_location=/tmp'],
     'DataflowRunner needs --temp_location=gs://BUCKET/tmp'),
    (['--runner=FlinkRunner'], 'FlinkRunner needs --flink_master=HOST:PORT'),
    (['--runner=FlinkRunner', '--flink_master=localhost'], '--flink_master=localhost is not HOST:PORT'),
    (['--runner=SparkRunner', '--spark_master_url=yarn'], 'SparkRunner needs --spark_master_url=spark://HOST:PORT'),
    (['--runner=SparkRunner', '--spark_master_url=spark://h:7077', '--setup_file=./nope.py'],
     '--setup_file ./nope.py does not exist'),
])
def test_cloud_options_are_checked_before_submitting(args, message):
    result = run('--input', 'gs://b/in/*', '--output', 'gs://b/out', *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('error: ') and message in lines[0], result.stderr
    assert 'Traceback' not in result.stderr


def test_remote_workers_cannot_reach_local_paths():
    result = run('--input', '/data/dumps/*', '--output', 'out', '--runner=FlinkRunner', '--flink_master=h:8081')
    assert result.returncode == 2
    assert 'FlinkRunner workers cannot reach local paths (/data/dumps/*, out)' in result.stderr
