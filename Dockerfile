# A custom worker container for Dataflow, Flink and Spark, for users who
# prefer an image to --setup_file: Beam's own SDK image at the pinned Beam
# and Python versions, with this package and its pinned dependencies.
#
#   docker build -t REGION-docker.pkg.dev/PROJECT/news/worker:VERSION .
#   docker push REGION-docker.pkg.dev/PROJECT/news/worker:VERSION
#   make dataflow ... ARGS='--sdk_container_image=REGION-docker.pkg.dev/PROJECT/news/worker:VERSION'
#
# The Beam version here must equal the pin in requirements.txt (a test checks).
FROM apache/beam_python3.11_sdk:2.77.0

WORKDIR /opt/news-ingest
COPY requirements.txt constraints.txt setup.py MANIFEST.in README.md ./
COPY pipeline ./pipeline
COPY transforms ./transforms
COPY schemas ./schemas
RUN pip install --no-cache-dir -c constraints.txt . \
    && python -c "import pipeline.graph, transforms.html.extract_html, transforms.text.detect_language"

# The SDK image's boot program stays the entry point: it starts the Beam worker.
ENTRYPOINT ["/opt/apache/beam/boot"]
