"""Checks of the Beam options a cloud runner needs, made before anything is
submitted: a missing or malformed one is a one-line usage error (exit 2),
not a stack trace from deep inside a runner minutes later.

Dataflow, Flink and Spark cannot be reached from the development machines;
these checks are what is tested of them (with `make -n dataflow ...`).
"""
from __future__ import annotations

import importlib.util
import os
import re
from typing import List, Optional, Sequence

_PROJECT = re.compile(r'^[a-z][-a-z0-9]{4,28}[a-z0-9]$')
_REGION = re.compile(r'^[a-z]+-[a-z]+[0-9]+$')
_HOST_PORT = re.compile(r'^[A-Za-z0-9.-]+:[0-9]{1,5}$')
_SPARK_MASTER = re.compile(r'^(spark://[A-Za-z0-9.-]+:[0-9]{1,5}|local(\[[0-9*]+\])?)$')


def runner_name(beam_args: Sequence[str]) -> Optional[str]:
    from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
    runner = PipelineOptions(list(beam_args)).view_as(StandardOptions).runner
    return runner if runner is None or isinstance(runner, str) else type(runner).__name__


def runner_problems(beam_args: Sequence[str], inputs: Sequence[str], output: str,
                    dedup_index: Optional[str] = None) -> List[str]:
    """Every problem with the options of the runner named in `beam_args`
    (none for the local runners)."""
    from apache_beam.options.pipeline_options import (FlinkRunnerOptions, GoogleCloudOptions, PipelineOptions,
                                                      SetupOptions, SparkRunnerOptions)
    options = PipelineOptions(list(beam_args))
    runner = runner_name(beam_args) or ''
    problems = []
    remote = runner in ('DataflowRunner', 'FlinkRunner', 'SparkRunner')
    if runner == 'DataflowRunner':
        gcp = options.view_as(GoogleCloudOptions)
        if not gcp.project:
            problems.append('DataflowRunner needs --project=PROJECT_ID')
        elif not _PROJECT.match(gcp.project):
            problems.append(f'--project={gcp.project} is not a Google Cloud project id '
                            '(6-30 lowercase letters, digits, hyphens)')
        if not gcp.region:
            problems.append('DataflowRunner needs --region (e.g. europe-west1)')
        elif not _REGION.match(gcp.region):
            problems.append(f'--region={gcp.region} is not a Google Cloud region (e.g. europe-west1)')
        if not gcp.temp_location or not gcp.temp_location.startswith('gs://'):
            problems.append('DataflowRunner needs --temp_location=gs://BUCKET/tmp')
        if not _has_module('google.cloud.storage'):
            problems.append("DataflowRunner needs Beam's GCP extras: .venv/bin/pip install -e '.[gcp]'")
        paths_must = ('gs://',)
    elif runner == 'FlinkRunner':
        master = options.view_as(FlinkRunnerOptions).flink_master
        if not master or master == '[auto]':
            problems.append('FlinkRunner needs --flink_master=HOST:PORT (the Flink JobManager REST address)')
        elif master not in ('[local]', '[collection]') and not _HOST_PORT.match(master):
            problems.append(f'--flink_master={master} is not HOST:PORT')
        paths_must = ('gs://', 's3://', 'hdfs://')
    elif runner == 'SparkRunner':
        master = options.view_as(SparkRunnerOptions).spark_master_url
        if not master or not _SPARK_MASTER.match(master):
            problems.append(f'SparkRunner needs --spark_master_url=spark://HOST:PORT (got {master!r})')
        paths_must = ('gs://', 's3://', 'hdfs://')
    else:
        paths_must = ()
    if remote:
        setup_file = options.view_as(SetupOptions).setup_file
        if setup_file and not os.path.isfile(setup_file):
            problems.append(f'--setup_file {setup_file} does not exist')
        local_master = runner == 'FlinkRunner' and options.view_as(FlinkRunnerOptions).flink_master == '[local]'
        local = [path for path in list(inputs) + [output] + ([dedup_index] if dedup_index else [])
                 if paths_must and not local_master and not path.startswith(paths_must)]
        if local:
            problems.append(f'{runner} workers cannot reach local paths ({", ".join(local)}): '
                            f'use {" or ".join(paths_must)} paths')
    return problems


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False
