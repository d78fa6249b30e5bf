"""Neurons, layers, MLPs: values by hand, gradients of every parameter by central differences."""

import math

import pytest

from micrograd_nndl import MLP, Layer, Neuron, Value, gradcheck, neuron, topological_order
from micrograd_nndl.nn import activation_names


def _set(params, values):
    for p, v in zip(params, values):
        p.data = v


def test_fused_neuron_value_and_local_derivatives():
    w, x, b = [Value(2.0), Value(-3.0)], [Value(0.5), Value(4.0)], Value(1.0)
    z = neuron(w, x, b)
    assert z.data == 1.0 + 2.0 * 0.5 + -3.0 * 4.0 == -10.0
    assert z.op == "neuron" and z.op_info.symbol == "Σw·x+b"
    assert z.parents == (*w, *x, b)
    assert z.local_grads() == (0.5, 4.0, 2.0, -3.0, 1.0)  # ∂/∂w = x, ∂/∂x = w, ∂/∂b = 1
    z.backward()
    assert [v.grad for v in (*w, *x, b)] == [0.5, 4.0, 2.0, -3.0, 1.0]


def test_fused_neuron_matches_the_mul_add_graph_it_replaces():
    ws, xs = [0.3, -1.2, 2.5], [1.5, 0.25, -0.75]

    def fused(*v):
        return neuron(v[:3], v[3:6], v[6]).tanh()

    def unfused(*v):
        return sum((wi * xi for wi, xi in zip(v[:3], v[3:6])), v[6]).tanh()

    a = [Value(t) for t in ws + xs + [0.1]]
    b = [Value(t) for t in ws + xs + [0.1]]
    fused(*a).backward()
    unfused(*b).backward()
    assert [v.grad for v in a] == pytest.approx([v.grad for v in b], rel=1e-12)
    assert gradcheck(fused, ws + xs + [0.1])


def test_fused_neuron_refuses_bad_input():
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        neuron([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0], Value(0.0))
    with pytest.raises(TypeError, match="weights and bias must be Values"):
        neuron([1.0], [1.0], Value(0.0))
    with pytest.raises(TypeError, match="real number"):
        neuron([Value(1.0)], ["a"], Value(0.0))


def test_neuron_by_hand():
    n = Neuron(2, activation="relu", seed=0)
    _set(n.parameters(), [2.0, -1.0, 0.5])
    assert n([1.0, 3.0]).data == 0.0  # relu(2 - 3 + 0.5)
    assert n([3.0, 1.0]).data == 5.5
    n = Neuron(1, activation="sigmoid", seed=0)
    _set(n.parameters(), [0.0, 0.0])
    assert n([1.0]).data == 0.5  # the book's σ(wx + b) at w = b = 0 (NNDL §4.5.3)


def test_one_output_is_that_value_and_several_are_a_list_as_in_micrograd():
    single, several = MLP(2, [3, 1], seed=0), MLP(2, [3, 2], seed=0)
    y = single([0.5, -1.0])
    assert isinstance(y, Value)
    assert (1 - y).data == 1 - y.data  # micrograd's losses do arithmetic on it directly
    ys = several([0.5, -1.0])
    assert isinstance(ys, list) and len(ys) == 2 and all(isinstance(v, Value) for v in ys)
    assert isinstance(Layer(3, 1, seed=0)([1.0, 2.0, 3.0]), Value)
    assert single.forward([Value(0.5), Value(-1.0)])[0].data == y.data  # forward: always a list
    assert [
        v.data
        for v in several.layers[-1].forward(several.layers[0].forward([Value(0.5), Value(-1.0)]))
    ] == [v.data for v in ys]


def test_micrograds_nonlin_flag_means_relu_or_linear():
    assert Neuron(2, nonlin=True).activation == "relu"
    assert Neuron(2, nonlin=False).activation == "linear"
    assert Layer(2, 3, nonlin=False).activation == "linear"
    n = Neuron(2, nonlin=False, seed=0)
    _set(n.parameters(), [2.0, -1.0, 0.5])
    assert n([1.0, 3.0]).data == -0.5  # linear: no ReLU clips it to 0
    with pytest.raises(ValueError, match="not both"):
        Neuron(2, "tanh", nonlin=True)
    with pytest.raises(TypeError, match="nonlin must be True"):
        Neuron(2, nonlin="yes")


def test_mlp_shapes_and_names():
    model = MLP(2, [4, 3, 2], seed=0)
    assert len(model([0.1, 0.2])) == 2
    assert len(model.parameters()) == (2 + 1) * 4 + (4 + 1) * 3 + (3 + 1) * 2
    names = [name for name, _ in model.named_parameters()]
    assert names[0] == "layers.0.neurons.0.w.0" and names[-1] == "layers.2.neurons.1.b"
    assert model.parameters()[0].label == "layers.0.neurons.0.w.0"


def test_mlp_defaults_are_micrographs_relu_hidden_linear_output():
    model = MLP(2, [16, 16, 1])
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert repr(model) == "MLP(2 → [16 relu, 16 relu, 1 linear])"
    assert repr(model.layers[0]) == "Layer(2 → 16, relu)"
    assert repr(model.layers[0].neurons[0]) == "Neuron(2, relu)"
    assert all(-1.0 <= p.data <= 1.0 for p in model.parameters())


def test_mlp_output_by_hand():
    model = MLP(1, [2, 1], activation="relu")
    # hidden: relu(1·x + 0), relu(−1·x + 1); output: 2·h1 + 3·h2 − 1
    _set(model.parameters(), [1.0, 0.0, -1.0, 1.0, 2.0, 3.0, -1.0])
    assert model([2.0]).data == 2 * 2.0 + 3 * 0.0 - 1.0
    assert model([0.5]).data == 2 * 0.5 + 3 * 0.5 - 1.0


def test_calling_with_values_keeps_the_graph_to_the_inputs():
    model = MLP(2, [3, 1], activation="tanh", seed=1)
    x = [Value(0.3, "x1"), Value(-0.4, "x2")]
    model(x).backward()
    assert x[0].has_grad and x[1].has_grad


def _gradcheck_model(model, x):
    """Every parameter of `model` as an input of f, checked against central differences."""
    params = model.parameters()

    def f(*values):
        for neuron_, chunk in _chunks(model, values):
            neuron_.w = list(chunk[: neuron_.nin])
            neuron_.b = chunk[neuron_.nin]
            for key, v in zip(neuron_.extra, chunk[neuron_.nin + 1 :]):
                neuron_.extra[key] = v
        out = model.forward([Value(v) for v in x])
        return sum(out[1:], out[0])

    assert gradcheck(f, [p.data for p in params], atol=1e-6, rtol=1e-5)


def _chunks(model, values):
    i = 0
    for layer in model.layers:
        for n in layer.neurons:
            size = n.nin + 1 + len(n.extra)
            yield n, values[i : i + size]
            i += size


@pytest.mark.parametrize(
    "activation",
    ["tanh", "sigmoid", "softplus", "gelu", "swish", "elu", "prelu", "swish_learnable"],
)
def test_gradients_of_every_parameter_match_central_differences(activation):
    model = MLP(3, [4, 3, 2], activation=activation, init="xavier_normal", seed=3)
    _gradcheck_model(model, [0.5, -1.0, 2.0])


def test_relu_mlp_gradients_away_from_kinks():
    model = MLP(2, [5, 1], seed=7)
    x = [0.7, -0.2]
    zs = [neuron(n.w, [Value(t) for t in x], n.b).data for n in model.layers[0].neurons]
    assert min(abs(z) for z in zs) > 1e-3  # no ReLU kink within the finite-difference step
    assert any(z < 0 for z in zs) and any(z > 0 for z in zs)  # both branches are exercised
    _gradcheck_model(model, x)


def test_learnable_activation_parameters_are_parameters_and_learn():
    model = MLP(2, [3, 1], activation="prelu", seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert "layers.0.neurons.0.gamma" in names
    assert model.layers[0].neurons[0].extra["gamma"].data == 0.25
    _set(model.layers[0].neurons[0].parameters(), [1.0, 1.0, 0.0, 0.25])
    out = model.layers[0].neurons[0]([-2.0, -2.0])  # z = −4 < 0: out = γz, ∂out/∂γ = z
    out.backward()
    assert out.data == -1.0 and model.layers[0].neurons[0].extra["gamma"].grad == -4.0
    swish = MLP(2, [2, 1], activation="swish_learnable", seed=0)
    assert sum(1 for name, _ in swish.named_parameters() if name.endswith("beta")) == 2


def test_every_named_activation_builds_and_runs():
    for name in activation_names():
        out = MLP(2, [2, 1], activation=name, output_activation=name, seed=0)([0.5, -0.5])
        assert math.isfinite(out.data)


def test_zero_grad():
    model = MLP(2, [2, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_seed_makes_models_reproducible():
    a, b, c = MLP(2, [4, 1], seed=5), MLP(2, [4, 1], seed=5), MLP(2, [4, 1], seed=6)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in a.parameters()] != [p.data for p in c.parameters()]


def test_bad_construction_and_calls_name_the_problem():
    with pytest.raises(ValueError, match="unknown activation 'rleu'"):
        MLP(2, [3, 1], activation="rleu")
    with pytest.raises(ValueError, match="nouts must be a non-empty list"):
        MLP(2, 3)
    with pytest.raises(ValueError, match=r"nouts\[1\] must be a positive integer"):
        MLP(2, [3, 0])
    with pytest.raises(ValueError, match="unknown init scheme 'glorot'"):
        MLP(2, [3], init="glorot")
    with pytest.raises(ValueError, match="MLP expects 2 inputs, got 3"):
        MLP(2, [3], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="must be finite"):
        MLP(2, [3], seed=0)([1.0, float("nan")])
    with pytest.raises(TypeError, match="real number"):
        MLP(2, [3], seed=0)([1.0, "2"])


@pytest.mark.parametrize("inputs", [{1.0, 2.0}, frozenset({1.0, 2.0}), {1.0: 0, 2.0: 0}])
def test_unordered_inputs_are_refused(inputs):
    for module in (MLP(2, [3, 1], seed=0), Layer(2, 3, seed=0), Neuron(2, seed=0)):
        with pytest.raises(TypeError, match="needs its inputs in order"):
            module(inputs)
    assert isinstance(MLP(2, [3, 1], seed=0)((1.0, 2.0)), Value)  # a tuple is in order


@pytest.mark.parametrize("activation", ["relu", "tanh", "prelu"])
def test_an_unfused_model_has_the_fused_models_values_and_gradients(activation):
    """fused=False builds z = ((b + w₁x₁) + w₂x₂) + … as the lecture draws it: the same
    numbers as the one fused node (NNDL §4.2), up to the order of the float additions."""
    sample, target = [0.5, -1.5, 2.0], 0.25
    models = [MLP(3, [4, 4, 1], activation, seed=3, fused=f) for f in (True, False)]
    outputs = []
    for model in models:
        y = model(sample)
        ((y - target) ** 2).backward()
        outputs.append(y)
    fused, unfused = outputs
    assert unfused.data == pytest.approx(fused.data, rel=1e-12)
    for p, q in zip(models[0].parameters(), models[1].parameters()):
        assert q.grad == pytest.approx(p.grad, rel=1e-9, abs=1e-12)
    ops = {node.op for node in topological_order(unfused)}
    assert "neuron" not in ops and {"mul", "add"} <= ops
    assert "neuron" in {node.op for node in topological_order(fused)}


def test_fused_must_be_a_bool():
    with pytest.raises(TypeError, match="MLP: fused must be True or False, not 'no'"):
        MLP(2, [1], fused="no")
