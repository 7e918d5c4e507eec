import torch

from cmcrd_plugin.models import forward_with_features
from cmcrd_plugin.models.dgcnn import SEEDDGCNN, seed_chs_info
from cmcrd_plugin.models.mlp import CMCRDMLP


def test_mlp_feature_is_the_last_hidden_layer():
    model = CMCRDMLP(n_outputs=5, n_chans=62, n_times=5)
    logits, feature = forward_with_features(model, torch.randn(4, 62, 5))
    assert logits.shape == (4, 5) and feature.shape == (4, 128)
    assert model.final_layer.in_features == 128


def test_dgcnn_on_de_maps_and_on_eye_vectors():
    for shape in ((62, 5), (33, 1)):
        model = SEEDDGCNN(n_outputs=3, n_chans=shape[0], n_times=shape[1])
        logits, feature = forward_with_features(model, torch.randn(2, *shape))
        assert logits.shape == (2, 3) and feature.shape == (2, 256)
    chs = seed_chs_info()
    assert len(chs) == 62 and chs[0]["ch_name"] == "FP1"
    assert all(abs(ch["loc"][:3]).sum() > 0 for ch in chs)
