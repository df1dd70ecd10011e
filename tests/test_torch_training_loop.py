"""A PyTorch-style training loop (DataLoader, Dropout, BatchNorm2d, AdamW, OneCycleLR,
clip_grad_norm_, model.eval()) runs with microtensor after the import swap and matches
PyTorch step for step (dropout with p=0, so that both draw nothing). The convolution before
BatchNorm has no bias, as usual: BatchNorm cancels it, so its gradient is rounding noise,
which Adam's normalisation would turn into full-size steps of different signs."""

from __future__ import annotations

import numpy as np
import pytest


def train(lib, nn, optim, data, init_state, x, y, sampler):
    model = nn.Sequential(nn.Conv2d(1, 4, 3, bias=False), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.0),
                          nn.Linear(36, 3))  # fmt: skip
    model.load_state_dict({k: lib.tensor(v) for k, v in init_state.items()})
    loader = data.DataLoader(data.TensorDataset(lib.tensor(x), lib.tensor(y)), batch_size=8,
                             sampler=sampler)  # fmt: skip
    optimizer = optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    epochs = 3
    scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.05, epochs=epochs,
                                              steps_per_epoch=len(loader))  # fmt: skip
    losses, norms = [], []
    for _ in range(epochs):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            norms.append(float(nn.utils.clip_grad_norm_(model.parameters(), 1.0)))
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
    model.eval()
    with lib.no_grad():
        logits = model(lib.tensor(x)).numpy()
    return losses, norms, logits, scheduler.get_last_lr()


@pytest.mark.torch
def test_training_loop_matches_pytorch_step_for_step() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    import microtensor as mt
    from microtensor import nn, optim
    from microtensor.utils import data

    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 3, 40)
    reference = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, bias=False),
                                    torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                                    torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                    torch.nn.Dropout(0.0), torch.nn.Linear(36, 3))  # fmt: skip
    init_state = {k: v.detach().numpy().copy() for k, v in reference.state_dict().items()}
    order = rng.permutation(40).tolist()  # one shuffled order for both
    ours = train(mt, nn, optim, data, init_state, x, y, order)
    theirs = train(torch, torch.nn, torch.optim, torch.utils.data, init_state, x, y, order)
    assert len(ours[0]) == 15
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-4, atol=1e-5)  # losses
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-4, atol=1e-5)  # gradient norms
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-3, atol=1e-4)  # eval logits
    assert ours[3] == theirs[3]
    assert max(ours[1]) > 1.0  # clipping did act
