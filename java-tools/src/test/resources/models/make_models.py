#!/usr/bin/env python3
"""Writes the small ONNX test models committed beside this script, and their sidecars (Debian's python3-onnx).

Run it from this folder with /usr/bin/python3 (python3-onnx, python3-numpy). Every model takes [batch, 1, z, y, x]
float32. Weights come from a fixed seed, so a rerun writes the same files.

invert.onnx     boundary = 1 - raw (pointwise). With input_scale 1/255 it equals the intensity backend without
                smoothing: an independent check of the ONNX path.
pointwise.onnx  affinity channels (x, 0.5 x + 0.25, 1 - x) of the input x (pointwise): blending must give exactly
                the direct computation whatever the patch size and overlap.
mean3.onnx      boundary = 3x3x3 mean of the input, zero-padded ("same"); the sidecar keeps the centre
                (input - 2), where the mean sees real data only.
valid3.onnx     affinity logits from a 3x3x3 valid convolution (3 kernels, output = input - 2), sigmoid applied by
                basin; described by its 'basin' metadata property instead of a sidecar file.
unet.onnx       a small 3D U-Net (two levels, 8 and 16 features, max-pool, nearest upsampling, skip connection,
                sigmoid): the benchmark's model. Fixed patch [32, 96, 96], kept centre [24, 80, 80].
"""
import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(20261122)


def save(name, nodes, initializers, out_channels, spec, in_shape=(None, None, None), out_shape=None, meta=False):
    x = helper.make_tensor_value_info('raw', TensorProto.FLOAT, [None, 1, *in_shape])
    y = helper.make_tensor_value_info('out', TensorProto.FLOAT, [None, out_channels, *(out_shape or in_shape)])
    graph = helper.make_graph(nodes, name, [x], [y], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 8
    if meta:
        helper.set_model_props(model, {'basin': json.dumps(spec)})
    else:
        with open(name + '.json', 'w') as f:
            json.dump(spec, f, indent=2)
            f.write('\n')
    onnx.checker.check_model(model)
    onnx.save(model, name + '.onnx')


def const(name, value):
    return numpy_helper.from_array(np.asarray(value, dtype=np.float32), name)


def spec(inp, out, kind, scale=1 / 255, sigmoid=False, description=''):
    return {'description': description, 'input_patch': inp, 'output_patch': out, 'output': kind,
            'input_scale': scale, 'input_offset': 0.0, 'sigmoid': sigmoid}


save('invert', [helper.make_node('Sub', ['one', 'raw'], ['out'])], [const('one', 1.0)], 1,
     spec([4, 8, 8], [4, 8, 8], 'boundary', description='boundary = 1 - raw'))

save('pointwise', [
    helper.make_node('Mul', ['raw', 'half'], ['h']),
    helper.make_node('Add', ['h', 'quarter'], ['b']),
    helper.make_node('Sub', ['one', 'raw'], ['c']),
    helper.make_node('Concat', ['raw', 'b', 'c'], ['out'], axis=1),
], [const('half', 0.5), const('quarter', 0.25), const('one', 1.0)], 3,
    spec([6, 10, 12], [6, 10, 12], 'affinity', description='channels x, 0.5x + 0.25, 1 - x'))

save('mean3', [helper.make_node('Conv', ['raw', 'w'], ['out'], pads=[1, 1, 1, 1, 1, 1])],
     [const('w', np.full((1, 1, 3, 3, 3), 1 / 27))], 1,
     spec([8, 12, 12], [6, 10, 10], 'boundary', description='3x3x3 mean, zero-padded; centre kept'))

save('valid3', [helper.make_node('Conv', ['raw', 'w', 'b'], ['out'])],
     [const('w', rng.normal(0, 1, (3, 1, 3, 3, 3))), const('b', [0.5, -0.5, 0.0])], 3,
     spec([10, 14, 14], [8, 12, 12], 'affinity', sigmoid=True, description='3x3x3 valid convolution, logits'), meta=True)


def conv(nodes, inits, name, x, cin, cout, k=3, relu=True):
    w = rng.normal(0, np.sqrt(2 / (cin * k ** 3)), (cout, cin, k, k, k))
    inits += [const(name + '_w', w), const(name + '_b', np.zeros(cout))]
    p = k // 2
    nodes.append(helper.make_node('Conv', [x, name + '_w', name + '_b'], [name + ('_c' if relu else '')], pads=[p] * 6))
    if relu:
        nodes.append(helper.make_node('Relu', [name + '_c'], [name]))
    return name


nodes, inits = [], []
a = conv(nodes, inits, 'enc1a', 'raw', 1, 8)
a = conv(nodes, inits, 'enc1b', a, 8, 8)
nodes.append(helper.make_node('MaxPool', [a], ['pool'], kernel_shape=[2, 2, 2], strides=[2, 2, 2]))
b = conv(nodes, inits, 'enc2a', 'pool', 8, 16)
b = conv(nodes, inits, 'enc2b', b, 16, 16)
inits.append(const('scales', [1, 1, 2, 2, 2]))
nodes.append(helper.make_node('Resize', [b, '', 'scales'], ['up'], mode='nearest'))
nodes.append(helper.make_node('Concat', [a, 'up'], ['cat'], axis=1))
c = conv(nodes, inits, 'dec1', 'cat', 24, 8)
logits = conv(nodes, inits, 'head', c, 8, 3, k=1, relu=False)
nodes.append(helper.make_node('Sigmoid', [logits], ['out']))
save('unet', nodes, inits, 3, spec([32, 96, 96], [24, 80, 80], 'affinity', description='small 3D U-Net, random weights (benchmark)'),
     in_shape=(32, 96, 96))
