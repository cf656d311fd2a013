"""Bad input to the optimizers: a clear error that names the fix, and nothing changed.

Every case runs against every optimizer, each already one step into training (so that
it has state to protect), and checks three things: the error type, that the message
says what to do, and that the parameters, the per-parameter state and Adam's step
count are exactly as before the failed call (issue 12, groups 4 and 5).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from nnbook.optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, Optimizer, RMSprop

ALL = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam]


def fresh_params() -> dict:
    return {
        "W1": np.ones((3, 2)),
        "b1": np.zeros(2),
        "W2": np.full((2, 2), 0.5),
        "b2": np.zeros(2),
    }


def good_grads(params: dict) -> dict:
    return {k: np.full(np.shape(v), 0.1) for k, v in params.items()}


@dataclass
class Bad:
    """One bad call: `edit(params, grads)` spoils the call's arguments in place."""

    id: str
    edit: Callable[[dict, dict], None]
    error: type[Exception]
    fix: str  # a regex the message must match: what to do about it
    needs_state: bool = False  # not a mistake for a stateless optimizer (SGD)


def _read_only(params: dict, grads: dict) -> None:
    params["W2"].flags.writeable = False


def _state_of_another_network(params: dict, grads: dict) -> None:
    # A network of other sizes under the same keys (the optimizer was reused).
    params["W2"] = np.ones((3, 2))
    grads["W2"] = np.ones((3, 2))


BAD = [
    Bad("missing-key", lambda p, g: g.pop("W2"), KeyError, r"no entry for \['W2'\]"),
    Bad(
        "shape-(1,)-would-broadcast",
        lambda p, g: g.__setitem__("W2", np.ones(1)),
        ValueError,
        r"grads\['W2'\] has shape \(1,\).*exactly its parameter's shape",
    ),
    Bad(
        "transposed-gradient",
        lambda p, g: g.__setitem__("W1", np.ones((2, 3))),
        ValueError,
        r"\(2, 3\).*\(3, 2\).*exactly",
    ),
    Bad(
        "scalar-gradient",
        lambda p, g: g.__setitem__("b2", 0.1),
        ValueError,
        r"grads\['b2'\] has shape \(\)",
    ),
    Bad(
        "complex-gradient",
        lambda p, g: g.__setitem__("b2", np.ones(2) * 1j),
        TypeError,
        "must be real numbers",
    ),
    Bad(
        "object-gradient-with-None",
        lambda p, g: g.__setitem__("b2", np.array([0.1, None])),
        TypeError,
        "dtype object.*real numbers",
    ),
    Bad(
        "integer-parameter",
        lambda p, g: p.__setitem__("b2", np.array([1, 2])),
        TypeError,
        r"dtype int64.*dtype=np\.float64",
    ),
    Bad("read-only-parameter", _read_only, ValueError, r"writeable copy"),
    Bad(
        "list-parameter",
        lambda p, g: p.__setitem__("b2", [0.0, 0.0]),
        TypeError,
        r"store np\.array\(\[0\.0, 0\.0\], dtype=float\)",
    ),
    Bad(
        "None-parameter",
        lambda p, g: p.__setitem__("b2", None),
        TypeError,
        r"NoneType, not an ndarray or a number",
    ),
    Bad(
        "state-of-another-network",
        _state_of_another_network,
        ValueError,
        r"\.\w\['W2'\] has shape \(2, 2\).*now has shape \(3, 2\).*new optimizer",
        needs_state=True,
    ),
]


def _snapshot(opt: Optimizer, params: dict) -> tuple:
    return copy.deepcopy(vars(opt)), {k: np.array(v, copy=True) for k, v in params.items()}


def _assert_same(a, b) -> None:
    if isinstance(a, dict):
        assert set(a) == set(b)
        for key in a:
            _assert_same(a[key], b[key])
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


@pytest.mark.parametrize(
    ("bad", "cls"),
    [
        pytest.param(bad, cls, id=f"{bad.id}-{cls.__name__}")
        for bad in BAD
        for cls in ALL
        if not (bad.needs_state and cls is SGD)
    ],
)
def test_a_bad_update_raises_a_clear_error_and_changes_nothing(bad: Bad, cls):
    opt = cls()
    params = fresh_params()
    opt.update(params, good_grads(params))  # one good step: there is state to protect
    grads = good_grads(params)
    bad.edit(params, grads)
    state_before, params_before = _snapshot(opt, params)
    with pytest.raises(bad.error, match=bad.fix) as info:
        opt.update(params, grads)
    assert "nothing was updated" in str(info.value)
    state_after, params_after = _snapshot(opt, params)
    _assert_same(params_after, params_before)
    _assert_same(state_after, state_before)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_no_state_is_created_by_a_failed_first_update(cls):
    opt = cls()
    params = fresh_params()
    grads = good_grads(params)
    grads["b2"] = np.ones(1)
    before = copy.deepcopy(vars(opt))
    with pytest.raises(ValueError, match="nothing was updated"):
        opt.update(params, grads)
    _assert_same(vars(opt), before)
    # ...and the next good update is the optimizer's true first step.
    opt.update(params, good_grads(params))
    ref_params = fresh_params()
    cls().update(ref_params, good_grads(ref_params))
    _assert_same(params, ref_params)


def test_adam_step_count_does_not_advance_on_a_failed_update():
    opt = Adam()
    params = fresh_params()
    opt.update(params, good_grads(params))
    with pytest.raises(KeyError):
        opt.update(params, {"W1": np.ones((3, 2))})
    assert opt.iter == 1


def test_all_missing_keys_are_named_at_once():
    params = fresh_params()
    with pytest.raises(KeyError, match=r"\['W1', 'W2'\]"):
        SGD().update(params, {"b1": np.ones(2), "b2": np.ones(2)})


def test_params_and_grads_must_be_dicts():
    with pytest.raises(TypeError, match="two dicts"):
        SGD().update([np.ones(2)], [np.ones(2)])


def test_a_number_in_a_read_only_mapping_is_refused():
    from types import MappingProxyType

    with pytest.raises(TypeError, match="pass a dict"):
        SGD().update(MappingProxyType({"x": 1.0}), {"x": 1.0})


def test_extra_gradients_are_ignored_so_a_subset_can_be_trained():
    params = fresh_params()
    frozen = {"W2": params.pop("W2"), "b2": params.pop("b2")}
    before = {k: v.copy() for k, v in frozen.items()}
    SGD(lr=1.0).update(params, good_grads(fresh_params()))
    np.testing.assert_array_equal(params["W1"], np.full((3, 2), 0.9))
    for key, value in frozen.items():
        np.testing.assert_array_equal(value, before[key])


def test_bool_parameter_is_refused():
    with pytest.raises(TypeError, match="bool, not an ndarray or a number"):
        SGD().update({"flag": True}, {"flag": 1.0})
