"""micrograd_nndl's public names and where each is imported from: the engine, compile, ops,
expr and gradcheck became packages of one job per module, and every name a user imports from
`micrograd_nndl` must stay the same object, importable from the same module as before."""

import importlib

import micrograd_nndl

#: name -> the module a user imports it from (the module the package re-exports it from)
HOMES = {
    "Adam": "micrograd_nndl.optim",
    "ArityError": "micrograd_nndl.errors",
    "CheckReport": "micrograd_nndl.gradcheck",
    "CheckRow": "micrograd_nndl.gradcheck",
    "Compiled": "micrograd_nndl.compile",
    "Dataset": "micrograd_nndl.datasets",
    "DivisionByZeroError": "micrograd_nndl.errors",
    "DomainError": "micrograd_nndl.errors",
    "Edge": "micrograd_nndl.engine",
    "Expression": "micrograd_nndl.expr",
    "ExpressionError": "micrograd_nndl.expr",
    "GradcheckError": "micrograd_nndl.gradcheck",
    "History": "micrograd_nndl.train",
    "Layer": "micrograd_nndl.nn",
    "MLP": "micrograd_nndl.nn",
    "MathError": "micrograd_nndl.errors",
    "ModelFileError": "micrograd_nndl.serialize",
    "Module": "micrograd_nndl.nn",
    "Neuron": "micrograd_nndl.nn",
    "NoArrayFormError": "micrograd_nndl.compile",
    "NonFiniteGradientError": "micrograd_nndl.errors",
    "NotARegularFileError": "micrograd_nndl.files",
    "NumericOverflowError": "micrograd_nndl.errors",
    "OPS": "micrograd_nndl.ops",
    "Op": "micrograd_nndl.ops",
    "Program": "micrograd_nndl.compile",
    "Replay": "micrograd_nndl.gradcheck",
    "SGD": "micrograd_nndl.optim",
    "TracingError": "micrograd_nndl.compile",
    "Value": "micrograd_nndl.engine",
    "accuracy": "micrograd_nndl.losses",
    "apply": "micrograd_nndl.engine",
    "backward_edges": "micrograd_nndl.engine",
    "backward_order": "micrograd_nndl.engine",
    "batches": "micrograd_nndl.data",
    "binary_cross_entropy": "micrograd_nndl.losses",
    "binary_cross_entropy_with_logits": "micrograd_nndl.losses",
    "book_name": "micrograd_nndl.naming",
    "compile": "micrograd_nndl.compile",
    "custom_op": "micrograd_nndl.custom",
    "derivative_text": "micrograd_nndl.notation",
    "edges_of": "micrograd_nndl.engine",
    "enable_grad": "micrograd_nndl.engine",
    "fit": "micrograd_nndl.train",
    "fn": "micrograd_nndl.ops",
    "format_columns": "micrograd_nndl.columns",
    "forward_tangents": "micrograd_nndl.functional",
    "grad": "micrograd_nndl.functional",
    "grad_values": "micrograd_nndl.functional",
    "gradcheck": "micrograd_nndl.gradcheck",
    "gradcheck_params": "micrograd_nndl.gradcheck",
    "gradcheck_params_report": "micrograd_nndl.gradcheck",
    "gradcheck_report": "micrograd_nndl.gradcheck",
    "hessian": "micrograd_nndl.functional",
    "hinge": "micrograd_nndl.losses",
    "hvp": "micrograd_nndl.functional",
    "is_grad_enabled": "micrograd_nndl.engine",
    "jvp": "micrograd_nndl.functional",
    "linear_decay": "micrograd_nndl.optim",
    "load_digits": "micrograd_nndl.datasets",
    "load_iris": "micrograd_nndl.datasets",
    "make_blobs": "micrograd_nndl.data",
    "make_circles": "micrograd_nndl.data",
    "make_moons": "micrograd_nndl.data",
    "make_regression_1d": "micrograd_nndl.data",
    "make_spirals": "micrograd_nndl.data",
    "make_xor": "micrograd_nndl.data",
    "maxout": "micrograd_nndl.engine",
    "mse": "micrograd_nndl.losses",
    "name_in_formula": "micrograd_nndl.notation",
    "neuron": "micrograd_nndl.engine",
    "neurons": "micrograd_nndl.engine",
    "no_grad": "micrograd_nndl.engine",
    "numeric_grads": "micrograd_nndl.gradcheck",
    "parse": "micrograd_nndl.expr",
    "read_regular": "micrograd_nndl.files",
    "register_op": "micrograd_nndl.custom",
    "softmax_cross_entropy": "micrograd_nndl.losses",
    "standardize": "micrograd_nndl.datasets",
    "store_grads": "micrograd_nndl.engine",
    "terms_of": "micrograd_nndl.engine",
    "topological_order": "micrograd_nndl.engine",
    "train_test_split": "micrograd_nndl.datasets",
    "unregister_op": "micrograd_nndl.custom",
    "write_atomic": "micrograd_nndl.files",
}


def test_every_public_name_and_its_home():
    assert sorted(micrograd_nndl.__all__) == sorted(HOMES)
    for name, home in HOMES.items():
        module = importlib.import_module(home)
        assert getattr(micrograd_nndl, name) is getattr(module, name), name


def test_the_packages_keep_every_name_they_exported_as_modules():
    """Code that imported from the old single-file modules keeps working."""
    old_names = {
        "micrograd_nndl.engine": ["Value", "apply", "backward_edges", "no_grad", "neuron"],
        "micrograd_nndl.compile": ["Compiled", "Program", "TracingError", "compile", "trace"],
        "micrograd_nndl.ops": ["OPS", "Op", "UNARY", "BINARY", "NARY", "register_applier"],
        "micrograd_nndl.expr": ["parse", "Expression", "ExpressionError"],
        "micrograd_nndl.gradcheck": ["gradcheck", "gradcheck_report", "numeric_grads"],
    }
    for module_name, names in old_names.items():
        module = importlib.import_module(module_name)
        missing = [n for n in names if not hasattr(module, n)]
        assert not missing, (module_name, missing)
