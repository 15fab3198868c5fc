// Merges single-layer recurrent nodes that form one stacked recurrence back into one node with
// num_layers = k, so that the PyTorch writer writes one nn.LSTM/GRU/RNN(num_layers=k) whose
// state_dict keys are the stacked module's ("lstm.weight_ih_l1", not "lstm_l1.weight_ih_l0").
//
// The Keras writer lowers a stacked PyTorch recurrence to one Keras layer per layer, named
// `<base>`, `<base>_l1`, ... (a Dropout `<base>_dropout<k>` between them when nn.LSTM had
// dropout). Nodes are merged when they follow that naming and:
//  - have the same op, hidden size, direction, bias, activations (nn.* semantics only: tanh and
//    sigmoid, GRU reset_after) and lengths input; layer k reads layer k-1's output sequence,
//    maybe through identities (a Keras ZeroPaddedSteps) and a Dropout of one rate (the same
//    for every gap, or no Dropout at all);
//  - an inner layer's sequence is read by nothing else than the next layer, or by a read of its
//    last step (out[:, -1], unidirectional and unmasked), which is that layer's row of h_n;
//  - each layer's final states are read only as rows (h[d], or the squeeze of a one-row state):
//    they become rows k*dirs + d of the stacked h_n / c_n;
//  - every layer has initial states or none does: they are concatenated on the batch-first
//    layer axis (the tensor they were cut from, when they are its rows in order).
// Anything else keeps the separate nodes (correct, under the Keras layer names).
#pragma once

#include "pivot/graph.h"

namespace nnport::passes {

// Returns the number of stacks merged.
int merge_stacked_recurrent(pivot::Model& model);

}  // namespace nnport::passes
