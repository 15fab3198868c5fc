// Data statements of PyTorch training scripts: TensorDataset, DataLoader, torchvision
// ImageFolder and transforms.Compose.
#include <cmath>

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

// `Resize((32, 32))` / `CenterCrop(32)` -> height, width.
bool resize_size(Node size, pivot::DataTransform& t, bool crop) {
  if (size.is(Kind::Tuple) || size.is(Kind::List)) {
    auto items = size.named_children();
    if (items.size() != 2) return false;
    t.args["height"] = setup_value(items[0]);
    t.args["width"] = setup_value(items[1]);
    return true;
  }
  // A crop to an int is a square; Resize(int) sets the SHORTER side keeping the aspect ratio:
  // only square images match.
  if (crop && size.is(Kind::Integer)) {
    t.args["height"] = setup_value(size);
    t.args["width"] = setup_value(size);
    return true;
  }
  return false;
}

// torch.utils.data.random_split with fractions (torch 1.13): part i has floor(n * f_i) samples,
// and the remainder r = n - sum_j floor(n * f_j) (fewer than the number of parts) adds one sample
// to each of the first r parts. Written as framework-free expressions over n (int() is floor for
// these non-negative values), so that the target computes the same sizes.
std::vector<pivot::SetupValue> fraction_lengths(const std::vector<Node>& fractions,
                                                const std::string& n) {
  std::string floors;
  for (Node f : fractions)
    floors += (floors.empty() ? "" : " + ") + ("int(" + n + " * " + std::string(f.text()) + ")");
  std::vector<pivot::SetupValue> out;
  for (size_t i = 0; i < fractions.size(); ++i)
    out.push_back(pivot::SetupValue::expr("int(" + n + " * " + std::string(fractions[i].text()) +
                                          ") + (" + std::to_string(i) + " < " + n + " - (" +
                                          floors + "))"));
  return out;
}

}  // namespace

std::optional<pivot::DataTransform> TorchScriptRecognizer::read_transform(Node item,
                                                                          const ScriptContext& ctx,
                                                                          std::string& why) const {
  why = "transform " + std::string(item.text()) + " has no mapping";
  const auto& rows = frameworks::pytorch::training_rows();
  const frameworks::SetupRow* row = nullptr;
  if (item.is(Kind::Call)) {
    auto q = ctx.imports->qualify(item.field(Field::Function));
    if (q) row = frameworks::find_row_by_symbol(rows, *q);
  }
  if (!row || row->family != pivot::SetupFamily::Transform) return std::nullopt;
  pivot::DataTransform t;
  t.kind = row->kind;
  t.location = item.location();
  auto bound = bind_setup_call(*row, item, 0, why);
  if (!bound) return std::nullopt;
  if (row->kind == "resize" || row->kind == "center_crop" || row->kind == "random_crop") {
    if (row->kind == "random_crop") {
      t.args = *bound;
      t.args.erase("size");
    }
    if (!resize_size(item.named_child(1).named_child(0), t, row->kind != "resize")) {
      why = std::string(item.text()) + ": only a (height, width) size maps exactly";
      return std::nullopt;
    }
  } else {
    t.args = *bound;
  }
  if (row->kind == "to_float") t.args["scale"] = pivot::SetupValue::real(1.0 / 255.0);
  // Random augmentation: the training images only.
  t.training_only =
      row->kind == "random_flip" || row->kind == "random_crop" || row->kind == "random_rotation";
  why.clear();
  return t;
}

bool TorchScriptRecognizer::image_transforms(Node transform, const ScriptContext& ctx,
                                             std::vector<pivot::DataTransform>& out,
                                             std::string& why) const {
  // A transforms.Compose variable read before, or one transform made in place (ToTensor()).
  if (auto it = transforms_.find(std::string(transform.text())); it != transforms_.end()) {
    out = it->second;
    return true;
  }
  auto t = read_transform(transform, ctx, why);
  if (!t) {
    if (transform.is(Kind::Identifier))
      why = "the transform '" + std::string(transform.text()) +
            "' is not a transforms.Compose nnport read";
    return false;
  }
  out.push_back(std::move(*t));
  return true;
}

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

std::optional<std::string> TorchScriptRecognizer::sample_count(const std::string& dataset,
                                                               const ScriptContext& ctx) const {
  auto it = datasets_.find(dataset);
  if (it == datasets_.end()) return std::nullopt;
  const pivot::Dataset& d = ctx.script->setup.datasets[it->second];
  if (d.kind == "arrays" && d.parent.empty() && d.labels.set()) return "len(" + d.labels.text + ")";
  if (d.kind == "split_of" && d.variable == dataset && d.args.count("lengths")) {
    const auto& items = d.args.at("lengths").items;
    const auto part = static_cast<size_t>(d.args.at("part").i);
    if (part < items.size() && items[part].kind == pivot::SetupValue::Kind::Int)
      return std::to_string(items[part].i);
    if (part < items.size() && items[part].kind == pivot::SetupValue::Kind::Expr)
      return "(" + items[part].text + ")";
  }
  return std::nullopt;
}

std::optional<std::string> TorchScriptRecognizer::with_sample_counts(
    Node node, const ScriptContext& ctx) const {
  std::vector<std::pair<Node, std::string>> swaps;
  std::set<std::string> counted;
  for (Node c : find_all(node, [](Node n) {
         return n.is(Kind::Call) && n.field(Field::Function).text() == "len";
       })) {
    ScriptArgs a = call_args(c);
    if (a.positional.size() != 1 || !a.positional[0].is(Kind::Identifier)) continue;
    const std::string name(a.positional[0].text());
    if (auto count = sample_count(name, ctx)) {
      swaps.emplace_back(c, *count);
      counted.insert(name);
    }
  }
  if (swaps.empty()) return std::nullopt;
  // Every other framework name must be gone: a dataset read outside len() still is one.
  size_t uses = 0;
  for (Node id : find_all(node, [](Node n) { return n.is(Kind::Identifier); }))
    uses += counted.count(std::string(id.text()));
  if (uses != swaps.size()) return std::nullopt;
  for (const auto& n : names_used(node)) {
    if (counted.count(n)) continue;
    if (ctx.vars.count(n) || model_names_.count(n)) return std::nullopt;
  }
  for (Node n :
       find_all(node, [](Node x) { return x.is(Kind::Identifier) || x.is(Kind::Attribute); }))
    if (qualified(n, ctx).rfind("torch", 0) == 0) return std::nullopt;
  const std::string_view text = node.text();
  std::string out;
  uint32_t at = node.start_byte();
  for (const auto& [call, count] : swaps) {
    if (call.start_byte() < at) return std::nullopt;  // nested: not expected
    out += text.substr(at - node.start_byte(), call.start_byte() - at);
    out += count;
    at = call.end_byte();
  }
  out += text.substr(at - node.start_byte());
  return out;
}

bool TorchScriptRecognizer::claim_random_split(Node stmt, Node left, Node right, ScriptContext& ctx,
                                               std::vector<ScriptStep>& out) {
  const std::vector<std::string> parts = target_names(left);
  ScriptArgs a = call_args(right);
  Node source = !a.positional.empty()         ? a.positional[0]
                : a.keywords.count("dataset") ? a.keywords["dataset"]
                                              : Node{};
  Node lengths = a.positional.size() > 1       ? a.positional[1]
                 : a.keywords.count("lengths") ? a.keywords["lengths"]
                                               : Node{};
  Node generator = a.positional.size() > 2         ? a.positional[2]
                   : a.keywords.count("generator") ? a.keywords["generator"]
                                                   : Node{};
  auto parent = source ? datasets_.find(std::string(source.text())) : datasets_.end();
  std::string why;
  std::vector<Node> sizes = lengths && (lengths.is(Kind::List) || lengths.is(Kind::Tuple))
                                ? lengths.named_children()
                                : std::vector<Node>{};
  if (parent == datasets_.end())
    why = "random_split of a dataset nnport did not read";
  else if (ctx.script->setup.datasets[parent->second].kind != "arrays" ||
           !ctx.script->setup.datasets[parent->second].parent.empty())
    why = "random_split of other than a TensorDataset of arrays";
  else if (sizes.empty() || sizes.size() != parts.size())
    why = "random_split needs a literal list of lengths, one per assigned part";
  // Fractions (torch >= 1.13): every length a float literal, summing to 1.
  size_t fractions = 0;
  double fraction_sum = 0;
  for (Node n : sizes)
    if (n.type() == "float") {
      ++fractions;
      fraction_sum += std::stod(std::string(n.text()));
    }
  if (why.empty() && fractions != 0 &&
      (fractions != sizes.size() || std::abs(fraction_sum - 1.0) > 1e-9 || fraction_sum > 1.0))
    why = "random_split lengths must be all integers or all fractions summing to 1";
  if (why.empty() && fractions != 0 && !sample_count(parent->first, ctx))
    why = "random_split with fractions of a dataset whose size nnport cannot write";
  // The seed of `torch.Generator().manual_seed(S)`; none: torch's global generator.
  pivot::SetupValue seed = pivot::SetupValue::expr("None");
  if (generator) {
    const std::string g(generator.text());
    Node fn = generator.is(Kind::Call) ? generator.field(Field::Function) : Node{};
    Node made = fn && fn.is(Kind::Attribute) ? fn.field(Field::Object) : Node{};
    if (made && made.is(Kind::Call) && fn.field(Field::Attribute).text() == "manual_seed" &&
        qualified(made.field(Field::Function), ctx) == "torch.Generator" &&
        call_args(generator).positional.size() == 1)
      seed = setup_value(call_args(generator).positional[0]);
    else
      why = "the generator " + g + " is not torch.Generator().manual_seed(seed)";
  }
  if (!why.empty()) {
    out.push_back(unsupported_step(stmt, ctx, why));
    for (const auto& p : parts) ctx.vars[p] = ScriptVar::Dataset;
    return true;
  }
  pivot::SetupValue all;
  all.kind = pivot::SetupValue::Kind::List;
  pivot::SetupValue fraction_list;
  if (fractions != 0) {
    all.items = fraction_lengths(sizes, *sample_count(parent->first, ctx));
    fraction_list.kind = pivot::SetupValue::Kind::List;
    for (Node n : sizes) fraction_list.items.push_back(setup_value(n));
  }
  for (Node n : fractions != 0 ? std::vector<Node>{} : sizes) {
    pivot::SetupValue v = setup_value(n);
    if (auto text = with_sample_counts(n, ctx)) v = pivot::SetupValue::expr(*text);
    all.items.push_back(v);
  }
  auto& datasets = ctx.script->setup.datasets;
  for (size_t i = 0; i < parts.size(); ++i) {
    pivot::Dataset d = datasets[parent->second];
    d.kind = "split_of";
    d.parent = parent->first;
    d.variable = parts[i];
    d.location = stmt.location();
    d.args["lengths"] = all;
    d.args["part"] = pivot::SetupValue::integer(static_cast<int64_t>(i));
    d.args["seed"] = seed;
    if (fractions != 0) d.args["fractions"] = fraction_list;  // lengths: torch's sizes for them
    datasets.push_back(std::move(d));
    datasets_[parts[i]] = datasets.size() - 1;
    ctx.vars[parts[i]] = ScriptVar::Dataset;
    ScriptStep step;
    step.kind = ScriptStep::Kind::MakeData;
    step.index = datasets.size() - 1;
    step.variable = parts[i];
    step.text = std::string(stmt.text());
    step.location = stmt.location();
    out.push_back(std::move(step));
  }
  return true;
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
  {
    std::vector<ScriptStep> made;
    if (auto d = dataset_helper_arrays(stmt, right, var, made)) {
      out.insert(out.end(), made.begin(), made.end());
      return add(std::move(*d));
    }
  }
  if (right.is(Kind::Call) && right.field(Field::Function).is(Kind::Identifier) &&
      dataset_classes_.count(std::string(right.field(Field::Function).text()))) {
    auto d = dataset_class_instance(right, ctx);
    if (!d) {
      out.push_back(unsupported_step(stmt, ctx,
                                     "a construction of the Dataset class '" +
                                         std::string(right.field(Field::Function).text()) +
                                         "' nnport cannot read as arrays"));
      ctx.vars[var] = ScriptVar::Dataset;
      return true;
    }
    return add(std::move(*d));
  }
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
    // DataLoader(TabularDataset(x, y), ...): a Dataset class of the script made in place.
    if (source && !inline_dataset) inline_dataset = dataset_class_instance(source, ctx);
    // DataLoader(load_split("train"), ...): a function returning a TensorDataset, its arrays
    // bound to a variable of their own first.
    std::vector<ScriptStep> made;
    if (source && !inline_dataset)
      inline_dataset =
          dataset_helper_arrays(stmt, source, unused_name(stmt, var + "_arrays"), made);
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
    pivot::SetupValue shuffle = pivot::SetupValue::boolean(false);
    if (Node s = arg("shuffle", 2)) shuffle = setup_value(s);
    // `DataLoader(dataset, **train_kwargs)`: a framework-free dict of the script, read at run
    // time with torch's defaults (the target keeps the dict as written).
    for (Node c : right.field(Field::Arguments).named_children()) {
      if (c.type() != "dictionary_splat" || c.named_child_count() != 1 ||
          !c.named_child(0).is(Kind::Identifier) || touches_framework(c.named_child(0), ctx))
        continue;
      const std::string kwargs(c.named_child(0).text());
      if (!a.keywords.count("batch_size") && a.positional.size() < 2)
        batch = pivot::SetupValue::expr(kwargs + ".get(\"batch_size\", 1)");
      if (!a.keywords.count("shuffle") && a.positional.size() < 3)
        shuffle = pivot::SetupValue::expr(kwargs + ".get(\"shuffle\", False)");
      batch.from_source = shuffle.from_source = true;
    }
    d.batch_size = batch;
    d.shuffle = shuffle;
    pivot::SetupValue drop = pivot::SetupValue::boolean(false);
    if (Node s = arg("drop_last", 99)) drop = setup_value(s);
    d.drop_last = drop;
    names_.loaders.insert(var);
    out.insert(out.end(), made.begin(), made.end());
    return add(std::move(d));
  }
  // `transform = transforms.ToTensor()`: one transform, as a Compose of it.
  if (const frameworks::SetupRow* row =
          frameworks::find_row_by_symbol(frameworks::pytorch::training_rows(), symbol);
      row && row->family == pivot::SetupFamily::Transform) {
    std::string why;
    auto t = read_transform(right, ctx, why);
    ctx.vars[var] = ScriptVar::Framework;
    if (!t) {
      out.push_back(unsupported_step(stmt, ctx, why));
      return true;
    }
    transforms_[var] = {std::move(*t)};
    ctx.diags->note(Code::ScriptDropped, stmt.location())
        << "the transform '" << var << "' is applied where the image dataset is read";
    return true;
  }
  if (symbol == "torchvision.transforms.Compose") {
    if (a.positional.size() != 1 || !a.positional[0].is(Kind::List)) return false;
    std::vector<pivot::DataTransform> steps;
    for (Node item : a.positional[0].named_children()) {
      std::string why;
      auto t = read_transform(item, ctx, why);
      if (!t) {
        out.push_back(unsupported_step(stmt, ctx, why));
        ctx.vars[var] = ScriptVar::Framework;
        return true;
      }
      steps.push_back(std::move(*t));
    }
    transforms_[var] = std::move(steps);
    ctx.vars[var] = ScriptVar::Framework;
    ctx.diags->note(Code::ScriptDropped, stmt.location())
        << "the transforms of '" << var << "' are applied where the image dataset is read";
    return true;
  }
  if (const frameworks::SetupRow* row =
          frameworks::find_row_by_symbol(frameworks::pytorch::training_rows(), symbol);
      row && row->family == pivot::SetupFamily::Dataset) {
    std::string why;
    auto bound = bind_setup_call(*row, right, 0, why);
    Node transform = a.keywords.count("transform") ? a.keywords["transform"]
                     : a.positional.size() > 2     ? a.positional[2]
                                                   : Node{};
    std::vector<pivot::DataTransform> transforms;
    if (bound && bound->at("target_transform").text != "None")
      why = "a target_transform of " + symbol + " has no mapping";
    else if (bound && transform && !image_transforms(transform, ctx, transforms, why))
      bound.reset();
    if (bound && why.empty()) {
      bool has_to_tensor = false;
      for (const auto& t : transforms) has_to_tensor |= t.kind == "to_float";
      if (!has_to_tensor) why = symbol + " without ToTensor yields PIL images";
    }
    if (!bound || !why.empty()) {
      out.push_back(unsupported_step(stmt, ctx, why));
      ctx.vars[var] = ScriptVar::Dataset;
      return true;
    }
    pivot::Dataset d;
    d.kind = "builtin";
    d.args["name"] = pivot::SetupValue::string(row->kind);
    // One split: torchvision's train= (True: the training split).
    const pivot::SetupValue& train = bound->at("train");
    d.builtin_split = train.kind == pivot::SetupValue::Kind::Bool
                          ? pivot::SetupValue::string(train.b ? "train" : "test")
                          : train;
    d.args["root"] = bound->at("root");
    d.transforms = std::move(transforms);
    ctx.diags->note(Code::ScriptDropped, stmt.location())
        << symbol << ": the target framework's own reader of the same published dataset ("
        << row->kind << ") replaces root= and download=";
    return add(std::move(d));
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
