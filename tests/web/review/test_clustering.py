"""Clustering of the review queue on a fixture of paraphrases: each group of differently worded
questions about one topic comes out as one cluster, distinct topics and one-off questions stay
apart.  This fixture is what ``review_clustering.DISTANCE_THRESHOLD`` was tuned on."""

from __future__ import annotations

import pytest

from faqbot.engine.corpus import load_corpus
from faqbot.engine.encoder import installed_encoder
from faqbot.engine.text import normalize
from faqbot.web.review.clustering import DISTANCE_THRESHOLD, cluster

from ..support import SAMPLE

# Each group shares a topic word, in other forms, spellings and word orders; the singletons
# share an incidental word with a group ("opening hours" / "job openings", "available").
PARAPHRASES = {
    "loyalty": [
        "Do you have a loyalty program?",
        "how do I earn loyalty points",
        "Is there a loyalty scheme for regular customers?",
        "Can I collect loyalty points when I shop with you?",
        "loyalty card?",
        "Where can I see my loyalty points balance",
        "do you do a loyalty programme",
        "how do loyality points work",
        "can i redeem my points for a voucher",
    ],
    "gift_wrap": [
        "Can you gift wrap my order?",
        "do you offer gift wrapping",
        "Is giftwrap offered at checkout?",
        "can I add a gift message and wrapping paper",
        "I want the parcel gift wrapped as a present",
        "gift wraping service?",
        "Could you wrap it as a gift please",
    ],
    "jobs": [
        "Are you hiring at the moment? Any job openings?",
        "do you have any job openings",
        "How can I apply for a job at your company?",
        "job vacancies in your warehouse",
        "where do I send my CV for a job",
        "any job vacancies near me?",
    ],
    "assembly": [
        "Do you offer furniture assembly?",
        "can your driver do the assembly of the wardrobe",
        "Is assembly included with the bed frame?",
        "how much does furniture assembly cost",
        "will someone do assembly of my desk after delivery",
        "furniture asembly service",
    ],
}
SINGLETONS = [
    "Do you have a physical store in Berlin?",
    "What is the name of your CEO?",
    "Can I pay with bitcoin?",
    "What are your opening hours on Sunday?",
    "Is the website down right now?",
    "hello",
    "Is the blue velvet sofa available?",
]


@pytest.fixture(scope="module")
def background() -> list[str]:
    """The sample FAQ's wordings, as the queue passes the database's."""
    return [text for faq in load_corpus(SAMPLE).faqs for text in faq.phrasings]


def fixture_texts() -> tuple[list[str], list[str]]:
    texts, topics = [], []
    for topic, questions in PARAPHRASES.items():
        texts += questions
        topics += [topic] * len(questions)
    for i, question in enumerate(SINGLETONS):
        texts.append(question)
        topics.append(f"single-{i}")
    return [normalize(t) for t in texts], topics


def topics_of(groups, topics) -> list[set[str]]:
    return [{topics[i] for i in group.members} for group in groups]


@pytest.mark.parametrize(
    "threshold", [DISTANCE_THRESHOLD - 0.03, DISTANCE_THRESHOLD, DISTANCE_THRESHOLD + 0.03]
)
def test_each_paraphrase_group_is_one_cluster_and_nothing_else_joins_it(background, threshold):
    texts, topics = fixture_texts()
    groups = cluster(texts, [1] * len(texts), background, threshold=threshold)
    assert all(len(found) == 1 for found in topics_of(groups, topics)), "a cluster mixes topics"
    sizes = {next(iter(found)): len(g.members) for g, found in zip(groups, topics_of(groups, topics))}
    assert sizes == {
        **{topic: len(questions) for topic, questions in PARAPHRASES.items()},
        **{f"single-{i}": 1 for i in range(len(SINGLETONS))},
    }


def test_clusters_come_most_asked_first_and_the_medoid_is_a_member(background):
    texts, topics = fixture_texts()
    weights = [3 if topic == "assembly" else 2 if topic == "jobs" else 1 for topic in topics]
    groups = cluster(texts, weights, background)
    first = [next(iter(found)) for found in topics_of(groups, topics)[:4]]
    assert first == ["assembly", "jobs", "loyalty", "gift_wrap"]  # 18, 12, 9, 7 questions
    for group in groups:
        assert group.medoid in group.members


# Wordings of the loyalty topic that share no word with it: only their meaning says so.
SYNONYMS = ["is there a rewards club for frequent shoppers", "do you give rewards to returning customers"]


@pytest.mark.parametrize("threshold", [DISTANCE_THRESHOLD, DISTANCE_THRESHOLD + 0.03])
def test_the_encoder_joins_synonyms_to_their_group_and_nothing_else(background, threshold):
    texts, topics = fixture_texts()
    texts += [normalize(t) for t in SYNONYMS]
    topics += ["loyalty"] * len(SYNONYMS)
    vectors = installed_encoder().encode(texts)
    groups = cluster(texts, [1] * len(texts), background, threshold=threshold, vectors=vectors)
    assert all(len(found) == 1 for found in topics_of(groups, topics)), "a cluster mixes topics"
    assert len(groups) == len(set(topics))  # each topic (and singleton) exactly one cluster
    if threshold == DISTANCE_THRESHOLD:  # by words alone the synonyms stay apart
        assert len(cluster(texts, [1] * len(texts), background, threshold=threshold)) > len(groups)


def test_a_typo_joins_its_question_without_any_background():
    texts = ["do you sell gift vouchers", "do you sell gift vuochers", "where is my parcel"]
    groups = cluster(texts, [1, 1, 1])
    assert sorted(sorted(g.members) for g in groups) == [[0, 1], [2]]


def test_degenerate_inputs():
    assert cluster([], []) == []
    (only,) = cluster(["hello"], [4])
    assert only.members == [0] and only.medoid == 0
    # Nothing but stop words and punctuation: no vocabulary at all, so each stays alone.
    groups = cluster(["how do i?", "??", "can you"], [1, 1, 1])
    assert sorted(len(g.members) for g in groups) == [1, 1, 1]
