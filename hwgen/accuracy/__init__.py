"""Network-level accuracy study: a small CNN and AdderNets on scikit-learn's digits, run bit-exactly
with every multiply-accumulate of the convolution and fully connected layers computed by a registered
unit's golden model (the very model that verifies the RTL). See docs/accuracy.md and `hwgen accuracy`.

Modules: :mod:`.data` (the fixed split), :mod:`.nn` (shape, weights, fp32 forward), :mod:`.products`
(unit-model products, exact accumulation), :mod:`.quant` (power-of-two scales, requantization),
:mod:`.engine` (integer CNN), :mod:`.adder` (integer AdderNets), :mod:`.bf16` (bfloat16 MACs),
:mod:`.variants` (the catalogue), :mod:`.study` (running it), :mod:`.report`, :mod:`.costs`, :mod:`.plot`.
"""

from hwgen.accuracy.study import run_study as _run
from hwgen.accuracy.variants import catalogue as _cat

__all__ = ["run_study", "catalogue"]


def run_study(*args, **kwargs):
    return _run(*args, **kwargs)


def catalogue():
    return _cat()
