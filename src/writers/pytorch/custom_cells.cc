// Custom layer classes of generated PyTorch modules (see custom_cells.h).
#include "writers/pytorch/custom_cells.h"

#include <array>
#include <string_view>

#include "pivot/ops/catalog.h"
#include "writers/keras/python_literal.h"
#include "writers/pytorch/augmentation_layers.h"
#include "writers/pytorch/masked_steps.h"
#include "writers/pytorch/normalization_layer.h"

namespace nnport::writers::pytorch {
namespace {

using frameworks::pytorch::PyArg;
using frameworks::pytorch::Spelling;
using pivot::Node;
using pivot::OpKind;

struct ClassSource {
  std::string_view name;
  std::string_view base;  // a class of this table it derives from, or ""
  std::string_view text;
};

constexpr std::array kClasses = {
    ClassSource{"KerasRecurrentLayer", "", R"py(class KerasRecurrentLayer(nn.Module):
    """One recurrent layer stepped in Python, for the Keras recurrences torch.nn has no layer for.

    Batch-first, parameters named as in nn.LSTM / nn.GRU (weight_ih_l0, weight_hh_l0, bias_ih_l0,
    bias_hh_l0; "_reverse" for the backward direction) and the same results: the output
    (N, T, directions * hidden_size) and the final state(s), each (directions, N, hidden_size).
    Subclasses define `cell`, one step of one direction.
    """

    gates = 1  # gate blocks stacked in weight_ih / weight_hh
    states = 1  # state tensors carried from step to step

    def __init__(self, input_size, hidden_size, bias=True, bidirectional=False,
                 activation=torch.tanh, recurrent_activation=torch.sigmoid):
        super().__init__()
        self.hidden_size = hidden_size
        self.activation = activation
        self.recurrent_activation = recurrent_activation
        self.directions = ["_l0", "_l0_reverse"] if bidirectional else ["_l0"]
        rows = self.gates * hidden_size
        for d in self.directions:
            self.register_parameter("weight_ih" + d, nn.Parameter(torch.empty(rows, input_size)))
            self.register_parameter("weight_hh" + d, nn.Parameter(torch.empty(rows, hidden_size)))
            if bias:
                self.register_parameter("bias_ih" + d, nn.Parameter(torch.empty(rows)))
                self.register_parameter("bias_hh" + d, nn.Parameter(torch.empty(rows)))
        # The initialisation of nn.LSTM / nn.GRU: U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
        for p in self.parameters():
            nn.init.uniform_(p, -hidden_size ** -0.5, hidden_size ** -0.5)

    def weights(self, d):
        """(weight_ih, weight_hh, bias_ih, bias_hh) of direction d; biases None without bias."""
        return [getattr(self, name + d, None) for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]

    def forward(self, x, state=None):
        """x (N, T, input_size); state: the initial state(s) as nn.LSTM / nn.GRU take them,
        zeros when None."""
        if state is None:
            state = (x.new_zeros(len(self.directions), x.size(0), self.hidden_size),) * self.states
        elif torch.is_tensor(state):
            state = (state,)
        outputs, finals = [], []
        for i, d in enumerate(self.directions):
            s = tuple(part[i] for part in state)
            sequence = [None] * x.size(1)
            steps = range(x.size(1))
            for t in reversed(steps) if d.endswith("_reverse") else steps:
                s = self.cell(x[:, t], s, self.weights(d))
                sequence[t] = s[0]
            outputs.append(torch.stack(sequence, 1))
            finals.append(s)
        final = [torch.stack(parts) for parts in zip(*finals)]
        return torch.cat(outputs, 2), final[0] if self.states == 1 else tuple(final)
)py"},
    ClassSource{"KerasGRU", "KerasRecurrentLayer", R"py(class KerasGRU(KerasRecurrentLayer):
    """A GRU with what nn.GRU lacks: Keras' reset_after=False, where the reset gate scales the
    state BEFORE the recurrent matmul, n = activation(W_in x + b_in + W_hn (r * h) + b_hn)
    (nn.GRU computes r * (W_hn h + b_hn), Keras' reset_after=True), and activations other than
    tanh / sigmoid. Gate blocks r, z, n as in nn.GRU.
    """

    gates, states = 3, 1

    def __init__(self, input_size, hidden_size, bias=True, bidirectional=False, reset_after=True,
                 activation=torch.tanh, recurrent_activation=torch.sigmoid):
        super().__init__(input_size, hidden_size, bias, bidirectional, activation,
                         recurrent_activation)
        self.reset_after = reset_after

    def cell(self, x, state, weights):
        (h,) = state
        w_ih, w_hh, b_ih, b_hh = weights
        x_r, x_z, x_n = F.linear(x, w_ih, b_ih).chunk(3, 1)
        w_hr, w_hz, w_hn = w_hh.chunk(3)
        b_hr, b_hz, b_hn = (None,) * 3 if b_hh is None else b_hh.chunk(3)
        r = self.recurrent_activation(x_r + F.linear(h, w_hr, b_hr))
        z = self.recurrent_activation(x_z + F.linear(h, w_hz, b_hz))
        if self.reset_after:
            n = self.activation(x_n + r * F.linear(h, w_hn, b_hn))
        else:
            n = self.activation(x_n + F.linear(r * h, w_hn, b_hn))
        return ((1 - z) * n + z * h,)
)py"},
    ClassSource{"KerasLSTM", "KerasRecurrentLayer", R"py(class KerasLSTM(KerasRecurrentLayer):
    """An LSTM with Keras' activation (of the candidate g and of the cell output; tanh in
    nn.LSTM) and recurrent_activation (of the gates i, f, o; sigmoid in nn.LSTM) as arguments.
    Gate blocks i, f, g, o as in nn.LSTM; the state is (h, c).
    """

    gates, states = 4, 2

    def cell(self, x, state, weights):
        h, c = state
        w_ih, w_hh, b_ih, b_hh = weights
        i, f, g, o = (F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)).chunk(4, 1)
        c = self.recurrent_activation(f) * c + self.recurrent_activation(i) * self.activation(g)
        return self.recurrent_activation(o) * self.activation(c), c
)py"},
    ClassSource{"KerasMultiHeadAttention", "", R"py(class KerasMultiHeadAttention(nn.Module):
    """Multi-head attention with explicit projections (Keras MultiHeadAttention): num_heads heads
    of key_dim (queries and keys) and value_dim (values), projected to output_dim, which
    nn.MultiheadAttention cannot express (it needs key_dim = value_dim = embed_dim / num_heads
    and output_dim = embed_dim). Called like nn.MultiheadAttention(batch_first=True):
    (query, key, value, key_padding_mask=None, attn_mask=None), boolean masks True where a key is
    NOT attended; returns (output, None).
    """

    def __init__(self, embed_dim, num_heads, key_dim, value_dim, kdim=None, vdim=None,
                 output_dim=None, bias=True, dropout=0.0):
        super().__init__()
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim
        self.q_proj = nn.Linear(embed_dim, num_heads * key_dim, bias=bias)
        self.k_proj = nn.Linear(kdim or embed_dim, num_heads * key_dim, bias=bias)
        self.v_proj = nn.Linear(vdim or embed_dim, num_heads * value_dim, bias=bias)
        self.out_proj = nn.Linear(num_heads * value_dim, output_dim or embed_dim, bias=bias)
        self.dropout = nn.Dropout(dropout)

    def split_heads(self, x, width):
        """(N, T, num_heads * width) -> (N, num_heads, T, width)"""
        return x.view(x.size(0), x.size(1), self.num_heads, width).transpose(1, 2)

    def forward(self, query, key, value, key_padding_mask=None, attn_mask=None):
        q = self.split_heads(self.q_proj(query), self.key_dim) * self.key_dim ** -0.5
        k = self.split_heads(self.k_proj(key), self.key_dim)
        v = self.split_heads(self.v_proj(value), self.value_dim)
        scores = q @ k.transpose(-2, -1)  # (N, num_heads, T, S)
        if attn_mask is not None:
            scores = scores.masked_fill(attn_mask, float("-inf"))
        if key_padding_mask is not None:
            scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        heads = self.dropout(scores.softmax(-1)) @ v  # (N, num_heads, T, value_dim)
        heads = heads.transpose(1, 2).reshape(query.size(0), query.size(1), -1)
        return self.out_proj(heads), None
)py"},
};

// Recurrent activations of the catalog (pivot ops/recurrent.cc) as PyTorch callables.
std::optional<std::string> torch_activation(const std::string& name) {
  static const std::array<std::pair<std::string_view, std::string_view>, 13> kTable = {{
      {"tanh", "torch.tanh"},
      {"sigmoid", "torch.sigmoid"},
      {"relu", "torch.relu"},
      {"linear", "nn.Identity()"},
      {"hard_sigmoid", "F.hardsigmoid"},  // Keras 3: relu6(x + 3) / 6, PyTorch's formula
      {"elu", "F.elu"},
      {"selu", "torch.selu"},
      {"silu", "F.silu"},
      {"gelu", "F.gelu"},  // exact in both (Keras' "gelu" string: approximate=False)
      {"softsign", "F.softsign"},
      {"softplus", "F.softplus"},  // PyTorch's threshold 20 is below float32 resolution
      {"relu6", "F.relu6"},
      {"exponential", "torch.exp"},
  }};
  for (const auto& [keras, torch] : kTable)
    if (keras == name) return std::string(torch);
  return std::nullopt;
}

bool custom_recurrent(const Node& n) {
  if (n.kind != OpKind::Lstm && n.kind != OpKind::Gru) return false;
  return pivot::attr_string(n, "activation") != "tanh" ||
         pivot::attr_string(n, "recurrent_activation") != "sigmoid" ||
         (n.kind == OpKind::Gru && !pivot::attr_bool(n, "reset_after"));
}

int64_t head_width(const Node& n, const char* attr) {
  if (pivot::attr_is_set(n, attr)) return pivot::attr_int(n, attr);
  return pivot::attr_int(n, "embed_dim") / pivot::attr_int(n, "num_heads");
}

bool custom_attention(const Node& n) {
  if (n.kind != OpKind::MultiHeadAttention) return false;
  const int64_t e = pivot::attr_int(n, "embed_dim");
  const int64_t heads = pivot::attr_int(n, "num_heads");
  const bool fits = heads > 0 && e % heads == 0 && head_width(n, "key_dim") * heads == e &&
                    head_width(n, "value_dim") * heads == e &&
                    (!pivot::attr_is_set(n, "output_dim") || pivot::attr_int(n, "output_dim") == e);
  return !fits;
}

std::optional<Spelling> recurrent_spelling(const Node& n, std::string& error) {
  const std::string what = n.kind == OpKind::Lstm ? "LSTM" : "GRU";
  if (pivot::attr_int(n, "num_layers") != 1) {
    error = what + " '" + n.name + "' with Keras activations or reset_after=False has " +
            std::to_string(pivot::attr_int(n, "num_layers")) +
            " stacked layers; its PyTorch class steps one";
    return std::nullopt;
  }
  if (pivot::attr_bool(n, "lengths_input") || pivot::attr_bool(n, "mask_input")) {
    error = what + " '" + n.name +
            "' with Keras activations or reset_after=False reads sequence lengths or a mask; its "
            "PyTorch class does not take packed sequences";
    return std::nullopt;
  }
  Spelling s;
  s.callee = n.kind == OpKind::Lstm ? "KerasLSTM" : "KerasGRU";
  s.args.push_back(PyArg{"", std::to_string(pivot::attr_int(n, "input_size"))});
  s.args.push_back(PyArg{"", std::to_string(pivot::attr_int(n, "hidden_size"))});
  if (!pivot::attr_bool(n, "bias")) s.args.push_back(PyArg{"bias", "False"});
  if (pivot::attr_bool(n, "bidirectional")) s.args.push_back(PyArg{"bidirectional", "True"});
  if (n.kind == OpKind::Gru && !pivot::attr_bool(n, "reset_after"))
    s.args.push_back(PyArg{"reset_after", "False"});
  // Both activations are always written: they are why the class exists.
  for (const char* attr : {"activation", "recurrent_activation"}) {
    const std::string& name = pivot::attr_string(n, attr);
    auto torch = torch_activation(name);
    if (!torch) {
      error = what + " '" + n.name + "': " + attr + " '" + name + "' has no PyTorch function";
      return std::nullopt;
    }
    s.args.push_back(PyArg{attr, *torch});
  }
  return s;
}

Spelling attention_spelling(const Node& n) {
  const int64_t e = pivot::attr_int(n, "embed_dim");
  Spelling s;
  s.callee = "KerasMultiHeadAttention";
  s.args.push_back(PyArg{"", std::to_string(e)});
  s.args.push_back(PyArg{"", std::to_string(pivot::attr_int(n, "num_heads"))});
  s.args.push_back(PyArg{"", std::to_string(head_width(n, "key_dim"))});
  s.args.push_back(PyArg{"", std::to_string(head_width(n, "value_dim"))});
  if (pivot::attr_int(n, "kdim") != e)
    s.args.push_back(PyArg{"kdim", std::to_string(pivot::attr_int(n, "kdim"))});
  if (pivot::attr_int(n, "vdim") != e)
    s.args.push_back(PyArg{"vdim", std::to_string(pivot::attr_int(n, "vdim"))});
  if (pivot::attr_is_set(n, "output_dim") && pivot::attr_int(n, "output_dim") != e)
    s.args.push_back(PyArg{"output_dim", std::to_string(pivot::attr_int(n, "output_dim"))});
  if (!pivot::attr_bool(n, "bias")) s.args.push_back(PyArg{"bias", "False"});
  if (const double p = pivot::attr_float(n, "dropout"); p != 0.0)
    s.args.push_back(PyArg{"dropout", writers::keras::python_float(writers::keras::tidy_float(p))});
  return s;
}

const ClassSource* find_class(std::string_view name) {
  for (const auto& c : kClasses)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

bool uses_custom_layer(const Node& node) {
  return custom_recurrent(node) || custom_attention(node) || is_augmentation(node) ||
         is_adapted_normalization(node);
}

std::optional<Spelling> custom_layer(const Node& node, std::string& error) {
  if (custom_recurrent(node)) return recurrent_spelling(node, error);
  if (custom_attention(node)) return attention_spelling(node);
  if (is_augmentation(node)) return augmentation_spelling(node);
  if (is_adapted_normalization(node)) return adapted_normalization_spelling(node);
  return std::nullopt;
}

std::string custom_class_source(const std::set<std::string>& class_names) {
  std::set<std::string_view> wanted;
  for (const auto& name : class_names)
    for (const ClassSource* c = find_class(name); c; c = find_class(c->base))
      wanted.insert(c->name);
  std::string out;
  for (const auto& c : kClasses)  // the table lists bases before the classes deriving from them
    if (wanted.count(c.name)) out += std::string(c.text) + "\n\n";
  for (const auto& name : class_names)
    if (auto text = augmentation_class_source(name); !text.empty())
      out += std::string(text) + "\n\n";
  for (const auto& name : class_names)
    if (auto text = adapted_normalization_class_source(name); !text.empty())
      out += std::string(text) + "\n\n";
  for (const auto& name : class_names)
    if (auto text = masked_steps_source(name); !text.empty()) out += std::string(text) + "\n\n";
  return out;
}

}  // namespace nnport::writers::pytorch
