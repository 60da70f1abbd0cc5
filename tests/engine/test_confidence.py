import numpy as np

from faqbot.engine.confidence import ConfidenceModel
from faqbot.engine.matcher import Candidates


def _cand(first_score: float) -> Candidates:
    features = np.array([[first_score, 0.0], [first_score - 1.0, 0.0]])
    return Candidates(np.array([0, 1]), np.array([0, 1]), features)


def test_probability_grows_with_the_signal():
    cands = [_cand(s) for s in np.linspace(-1, 1, 40)]
    truth = [0 if s > 0 else None for s in np.linspace(-1, 1, 40)]
    model = ConfidenceModel().fit(cands, truth)
    low, high = model.predict(_cand(-1.0))[0], model.predict(_cand(1.0))[0]
    assert 0.0 <= low < 0.2 < 0.8 < high <= 1.0
    batch = model.predict_many([_cand(-1.0), _cand(1.0)])
    np.testing.assert_allclose([batch[0][0], batch[1][0]], [low, high])


def test_single_class_falls_back_to_the_prior():
    model = ConfidenceModel().fit([_cand(0.5), _cand(0.2)], [None, None])
    np.testing.assert_array_equal(model.predict(_cand(0.9)), [0.0, 0.0])
