"""What the streaming-step tests share: a wire story and its reprints, the
clock of their windows, and a TestStream pipeline on LocalStreamingRunner
(Beam's legacy bundle-based runner with its overrides applied in a working
order), which runs in this process."""
import datetime

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.local_streaming import LocalStreamingRunner

D = datetime.date
UTC = datetime.timezone.utc
MINUTE = 60.0
# Window k of the duplicate tests is [T0 + 60k, T0 + 60(k+1)).
T0 = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=UTC).timestamp()

# A wire story: four long sentences in two paragraphs.
WIRE = [
    'The city council voted seven to two on Tuesday night to approve a new transit levy that will fund three '
    'additional bus routes across the eastern districts.',
    'Supporters of the measure said the routes would cut average commute times by nearly twenty minutes for '
    'residents who currently rely on two or more transfers.',
    'Opponents argued that the levy placed an unfair burden on small business owners who are still recovering '
    "from last winter's flooding along the river.",
    'The first of the new routes is expected to begin service next spring, pending approval of the final budget '
    'by the regional transportation authority.',
]
WIRE_TEXT = f'{WIRE[0]} {WIRE[1]}\n\n{WIRE[2]} {WIRE[3]}'
# A local paper's story: its own reporting with WIRE[1] verbatim and WIRE[2] lightly edited between.
EDITED = WIRE[2].replace('who are still', 'still')
REPRINT = [
    'Residents of the eastern districts packed the community hall on Wednesday evening to hear what the new '
    'bus service would mean for their neighbourhoods.',
    WIRE[1],
    'A bakery owner on Harbour Street told the gathering she was worried about rising rents and falling foot '
    'traffic since the old bridge closed in March.',
    EDITED,
]
REPRINT_TEXT = f'{REPRINT[0]} {REPRINT[1]}\n\n{REPRINT[2]} {REPRINT[3]}'
COPIED = {WIRE[1]: 'wire-0001', EDITED: 'wire-0002'}   # reprint passage text -> the wire passage it copies
# A second, later reprint that copies only the wire's lead (nothing REPRINT copied).
FOLLOW_UP_TEXT = (
    'Commuters waiting at the Harbour Street stop on Friday morning said they had heard little about the plan. '
    f'{WIRE[0]} '
    'Several of them said they would believe in the new buses only when they saw one pull up at the kerb.')
# Unrelated news, to show nothing is flagged without reuse.
UNRELATED_TEXT = (
    'The regional hospital opened a new maternity wing on Monday after nearly four years of delays caused by '
    'funding disputes and a shortage of qualified builders.\n\n'
    'Hospital administrators said the wing would allow the staff to handle roughly eight hundred more births '
    'each year without sending expectant mothers to neighbouring towns.')


def streaming_pipeline():
    return beam.Pipeline(runner=LocalStreamingRunner(), options=PipelineOptions(['--streaming']))


def window(k):
    return T0 + k * MINUTE, T0 + (k + 1) * MINUTE


def duplicates(flagged):
    """passage text -> canonical passage id, for the passages flagged as copies."""
    return {p.text: m.canonical_passage_id for p, m in flagged.passages if m is not None and m.is_duplicate}
