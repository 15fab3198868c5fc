// Data statements of PyTorch training scripts: TensorDataset, DataLoader, torchvision
// ImageFolder and transforms.Compose.
#include "frameworks/training_table.h"
#include "readers/pytorch/script_recognizer.h"
#include "readers/pytorch/script_setup_calls.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

// `Resize(32)` / `Resize((32, 32))` -> height, width.
bool resize_size(Node size, pivot::DataTransform& t) {
  if (size.is(Kind::Tuple) || size.is(Kind::List)) {
    auto items = size.named_children();
    if (items.size() != 2) return false;
    t.args["height"] = setup_value(items[0]);
    t.args["width"] = setup_value(items[1]);
    return true;
  }
  // An int resizes the SHORTER side keeping the aspect ratio: only square images match.
  return false;
}

}  // namespace

std::optional<pivot::Dataset> TorchScriptRecognizer::tensor_dataset(
    Node call, const ScriptContext& ctx) const {
  ScriptArgs a = call_args(call);
  if (a.positional.size() != 2 || !a.keywords.empty()) return std::nullopt;
  pivot::Dataset d;
  d.kind = "arrays";
  // Tensors made in place from NumPy arrays (`torch.from_numpy(x)`) stay the arrays.
  auto array = [&](Node e) {
    pivot::SetupValue v = setup_value(e);
    if (e.is(Kind::Call))
      if (auto text = numpy_conversion(e, ctx)) v.text = *text;
    return v;
  };
  d.features = array(a.positional[0]);
  d.labels = array(a.positional[1]);
  return d;
}

bool TorchScriptRecognizer::claim_data(Node stmt, Node left, Node right, const std::string& symbol,
                                       ScriptContext& ctx, std::vector<ScriptStep>& out) {
  const std::string var(left.text());
  ScriptArgs a = call_args(right);
  auto& datasets = ctx.script->setup.datasets;
  auto add = [&](pivot::Dataset d) {
    d.variable = var;
    d.location = stmt.location();
    datasets.push_back(std::move(d));
    datasets_[var] = datasets.size() - 1;
    ctx.vars[var] = ScriptVar::Dataset;
    ScriptStep step;
    step.kind = ScriptStep::Kind::MakeData;
    step.index = datasets.size() - 1;
    step.variable = var;
    step.text = std::string(stmt.text());
    step.location = stmt.location();
    out.push_back(std::move(step));
    return true;
  };
  if (symbol == "torch.utils.data.TensorDataset") {
    auto d = tensor_dataset(right, ctx);
    if (!d) {
      out.push_back(
          unsupported_step(stmt, ctx, "a TensorDataset of other than (inputs, labels) arrays"));
      ctx.vars[var] = ScriptVar::Dataset;
      return true;
    }
    return add(std::move(*d));
  }
  if (symbol == "torch.utils.data.DataLoader") {
    Node source = a.positional.empty()
                      ? (a.keywords.count("dataset") ? a.keywords["dataset"] : Node{})
                      : a.positional[0];
    auto parent = source ? datasets_.find(std::string(source.text())) : datasets_.end();
    // DataLoader(TensorDataset(x, y), ...): the dataset made in place.
    std::optional<pivot::Dataset> inline_dataset;
    if (source && source.is(Kind::Call) &&
        ctx.imports->qualify(source.field(Field::Function)).value_or("") ==
            "torch.utils.data.TensorDataset")
      inline_dataset = tensor_dataset(source, ctx);
    std::string why;
    for (const auto& [k, v] : a.keywords)
      if (k != "dataset" && k != "batch_size" && k != "shuffle" && k != "drop_last" &&
          k != "num_workers" && k != "pin_memory")
        why = "DataLoader argument '" + k + "' has no mapping";
    if (a.positional.size() > 3)
      why = "DataLoader positional arguments after shuffle have no mapping";
    if (parent == datasets_.end() && !inline_dataset)
      why = "a DataLoader over a dataset nnport did not read";
    if (!why.empty()) {
      out.push_back(unsupported_step(stmt, ctx, why));
      ctx.vars[var] = ScriptVar::Dataset;
      names_.loaders.insert(var);
      return true;
    }
    pivot::Dataset d = inline_dataset ? *inline_dataset : datasets[parent->second];
    d.parent = inline_dataset ? std::string() : parent->first;
    auto arg = [&](const std::string& name, size_t position) -> Node {
      if (a.keywords.count(name)) return a.keywords[name];
      return position < a.positional.size() ? a.positional[position] : Node{};
    };
    pivot::SetupValue batch = pivot::SetupValue::integer(1);  // torch's default
    if (Node b = arg("batch_size", 1)) batch = setup_value(b);
    d.batch_size = batch;
    pivot::SetupValue shuffle = pivot::SetupValue::boolean(false);
    if (Node s = arg("shuffle", 2)) shuffle = setup_value(s);
    d.shuffle = shuffle;
    pivot::SetupValue drop = pivot::SetupValue::boolean(false);
    if (Node s = arg("drop_last", 99)) drop = setup_value(s);
    d.drop_last = drop;
    names_.loaders.insert(var);
    return add(std::move(d));
  }
  if (symbol == "torchvision.transforms.Compose") {
    if (a.positional.size() != 1 || !a.positional[0].is(Kind::List)) return false;
    std::vector<pivot::DataTransform> steps;
    const auto& rows = frameworks::pytorch::training_rows();
    for (Node item : a.positional[0].named_children()) {
      std::string why = "transform " + std::string(item.text()) + " has no mapping";
      const frameworks::SetupRow* row = nullptr;
      if (item.is(Kind::Call)) {
        auto q = ctx.imports->qualify(item.field(Field::Function));
        if (q) row = frameworks::find_row_by_symbol(rows, *q);
      }
      pivot::DataTransform t;
      bool ok = row && row->family == pivot::SetupFamily::Transform;
      if (ok) {
        t.kind = row->kind;
        t.location = item.location();
        auto bound = bind_setup_call(*row, item, 0, why);
        ok = bound.has_value();
        if (ok && row->kind == "resize")
          ok = resize_size(item.named_child(1).named_child(0), t);
        else if (ok && row->kind == "center_crop")
          ok = resize_size(item.named_child(1).named_child(0), t);
        else if (ok)
          t.args = *bound;
        if (ok && row->kind == "to_float") t.args["scale"] = pivot::SetupValue::real(1.0 / 255.0);
        if (ok && row->kind == "random_flip") t.training_only = true;
        if (!ok && (row->kind == "resize" || row->kind == "center_crop"))
          why = std::string(item.text()) + ": only a (height, width) size maps exactly";
      }
      if (!ok) {
        out.push_back(unsupported_step(stmt, ctx, why));
        ctx.vars[var] = ScriptVar::Framework;
        return true;
      }
      steps.push_back(std::move(t));
    }
    transforms_[var] = std::move(steps);
    ctx.vars[var] = ScriptVar::Framework;
    ctx.diags->note(Code::ScriptDropped, stmt.location())
        << "the transforms of '" << var << "' are applied where the image dataset is read";
    return true;
  }
  if (symbol == "torchvision.datasets.ImageFolder") {
    Node root = a.positional.empty() ? (a.keywords.count("root") ? a.keywords["root"] : Node{})
                                     : a.positional[0];
    Node transform = a.keywords.count("transform") ? a.keywords["transform"]
                     : a.positional.size() > 1     ? a.positional[1]
                                                   : Node{};
    std::string why;
    if (!root) why = "ImageFolder without a root";
    for (const auto& [k, v] : a.keywords)
      if (k != "root" && k != "transform") why = "ImageFolder argument '" + k + "' has no mapping";
    if (transform && !transforms_.count(std::string(transform.text())))
      why = "the transform of ImageFolder is not a transforms.Compose nnport read";
    if (!why.empty()) {
      out.push_back(unsupported_step(stmt, ctx, why));
      ctx.vars[var] = ScriptVar::Dataset;
      return true;
    }
    pivot::Dataset d;
    d.kind = "image_folder";
    d.args["path"] = setup_value(root);
    if (transform) d.transforms = transforms_[std::string(transform.text())];
    bool has_to_tensor = false;
    for (const auto& t : d.transforms) has_to_tensor |= t.kind == "to_float";
    if (!has_to_tensor) {
      out.push_back(
          unsupported_step(stmt, ctx, "an ImageFolder without ToTensor yields PIL images"));
      ctx.vars[var] = ScriptVar::Dataset;
      return true;
    }
    return add(std::move(d));
  }
  return false;
}

}  // namespace nnport::readers::pytorch
