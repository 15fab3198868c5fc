"""Mock keras.random: seed generators may be created (GAN, VAE classes around the model); a random
tensor is an NnportRandomNormal op that fails loudly if a serialised model reaches it (a VAE
file builds its sampling encoder at import; the case may compare its decoder)."""
from . import _graph as g
from ._anything import Anything as SeedGenerator  # noqa: F401


def normal(shape=None, *args, **kwargs):
    op = g.OpLayer("NnportRandomNormal", None, {"unrecordable": "keras.random.normal"})
    return g.Node(op, [], {}, 1).outputs[0]
