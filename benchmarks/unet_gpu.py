#!/usr/bin/env python3
"""GPU timing of the benchmark U-Net (unet.onnx) where basin's Java GPU path cannot run.

basin's --device cuda uses ONNX Runtime's CUDA provider from the onnxruntime_gpu jar (CUDA 12, cuDNN 9). The lent GPU
machines have no JVM and CUDA 13 only, so this script measures the same network there with PyTorch instead: it runs
the ONNX graph's nodes (Conv, Relu, MaxPool, Resize, Concat, Sigmoid) with torch's functional ops and the model's own
weights, checks the result against onnxruntime on the CPU, and times patches on the GPU.
    python3 benchmarks/unet_gpu.py java-tools/src/test/resources/models/unet.onnx
"""
import sys
import time

import numpy as np
import onnx
import onnxruntime
import torch
import torch.nn.functional as F
from onnx import numpy_helper

path = sys.argv[1]
model = onnx.load(path)
weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}


def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def forward(x, w):
    env = {model.graph.input[0].name: x}
    for n in model.graph.node:
        get = lambda i: env[n.input[i]] if n.input[i] in env else w[n.input[i]]
        if n.op_type == 'Conv':
            p = attr(n, 'pads', [0] * 6)
            y = F.conv3d(get(0), get(1), get(2) if len(n.input) > 2 else None, padding=tuple(p[:3]))
        elif n.op_type == 'Relu':
            y = F.relu(get(0))
        elif n.op_type == 'Sigmoid':
            y = torch.sigmoid(get(0))
        elif n.op_type == 'MaxPool':
            y = F.max_pool3d(get(0), attr(n, 'kernel_shape'), attr(n, 'strides'))
        elif n.op_type == 'Resize':
            y = F.interpolate(get(0), scale_factor=tuple(w[n.input[2]].tolist()[2:]), mode='nearest')
        elif n.op_type == 'Concat':
            y = torch.cat([get(i) for i in range(len(n.input))], dim=attr(n, 'axis'))
        else:
            raise SystemExit(f'unsupported op {n.op_type}')
        env[n.output[0]] = y
    return env[model.graph.output[0].name]


shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim][1:]
x = np.random.default_rng(0).random((1, *shape), dtype=np.float32)
sess = onnxruntime.InferenceSession(path, providers=['CPUExecutionProvider'])
ref = sess.run(None, {sess.get_inputs()[0].name: x})[0]
dev = torch.device('cuda')
wd = {k: v.to(dev) for k, v in weights.items()}
torch.backends.cudnn.benchmark = True
with torch.no_grad():
    got = forward(torch.from_numpy(x).to(dev), wd).cpu().numpy()
print(f'{torch.cuda.get_device_name()}: torch {torch.__version__}; output {list(got.shape)} max |torch - onnxruntime CPU| = {np.abs(got - ref).max():.2e}')
for batch in (1, 4, 8):
    xb = torch.rand((batch, *shape), device=dev)
    with torch.no_grad():
        for _ in range(5):
            forward(xb, wd)
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        reps = 20
        for _ in range(reps):
            forward(xb, wd)
        torch.cuda.synchronize()
        dt = (time.perf_counter() - t0) / reps
    print(f'batch {batch}: {dt * 1e3:.2f} ms per call, {dt / batch * 1e3:.2f} ms per patch, '
          f'{batch * np.prod(shape) / dt / 1e6:.0f} Minput-voxel/s (fp32)')
t0 = time.perf_counter()
for _ in range(3):
    sess.run(None, {sess.get_inputs()[0].name: x})
print(f'onnxruntime CPU on this machine (all cores): {(time.perf_counter() - t0) / 3 * 1e3:.1f} ms per patch')
