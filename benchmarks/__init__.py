"""`make bench`: every bench_*.py module, ours beside the reference engines, as a ratio table."""

import os

# One BLAS thread, set before numpy loads: the compiled rows' matrix products then run as
# PyTorch's do (one thread, `torch.set_num_threads(1)`), and a shared machine's other work
# cannot make a 16×16 product wait on a second thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
