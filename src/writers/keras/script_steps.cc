// The Keras StepRenderer (see script_steps.h): the source's optimiser, loss and schedule
// objects as Keras objects under the same variable names, compile(...) before the first fit or
// evaluate, fit/evaluate on NumPy arrays (channels-last for the model's image inputs) or on
// image_dataset_from_directory pipelines, save_weights with a .weights.h5 name.
#include "writers/keras/script_steps.h"

#include <set>

#include "frameworks/training_table.h"
#include "pivot/momentum_schedule.h"
#include "writers/keras/python_literal.h"
#include "writers/keras/script_augmentation.h"
#include "writers/keras/script_batch_schedule.h"
#include "writers/keras/script_setup.h"
#include "writers/keras/torch_randperm.h"

namespace nnport::writers::keras {
namespace {

using pivot::ScriptStep;
using pivot::SetupValue;

class Renderer : public StepRenderer {
 public:
  Renderer(const pivot::Script& script, std::string entry, Api api, DiagnosticEngine& diags,
           const pivot::Model* model)
      : entry_(std::move(entry)),
        keras_(api == Api::TfKeras ? "tf.keras" : "keras"),
        api_(api),
        diags_(diags) {
    if (model && !model->modules.empty()) {
      const auto& graph = model->entry_module().graph;
      if (!graph.inputs.empty()) {
        const auto& port = graph.inputs[0];
        input_perm_ = port.source_to_target_perm;
        const auto& type = graph.values[port.value].type;
        if (type.rank_known) input_shape_ = type.shape;
      }
      if (!graph.outputs.empty()) {
        const auto& type = graph.values[graph.outputs[0].value].type;
        if (type.rank_known && !type.shape.empty()) classes_ = type.shape.back();
      }
      for (const auto& node : graph.nodes)
        if ((node.kind == pivot::OpKind::Lstm || node.kind == pivot::OpKind::Rnn) &&
            !two_bias_layer_)
          two_bias_layer_ = &node;
    }
    one_hot_labels_ = script.setup.loss && smooths_class_indices(*script.setup.loss);
  }

  std::vector<std::string> render(const ScriptStep& step, const pivot::Script& script) override {
    using K = ScriptStep::Kind;
    switch (step.kind) {
      case K::BuildModel:
        // A model built again (to load saved weights) is not compiled: evaluate needs compile.
        compiled_ = false;
        return {step.variable + " = " + entry_ + "()"};
      case K::Seed: return {keras_ + ".utils.set_random_seed(" + step.text + ")"};
      case K::MakeOptimizer: return optimizer(step, script);
      case K::MakeLoss: return loss(step, script);
      case K::MakeSchedule: return schedule(step, script);
      case K::MakeData: return data(step, script);
      case K::Train: return train(step, script);
      case K::Evaluate: return evaluate(step, script);
      case K::SaveWeights:
        return {model_var(script, step) + ".save_weights(" + weights_path(step) + ")"};
      case K::LoadWeights:
        return {model_var(script, step) + ".load_weights(" + weights_path(step) + ")"};
      case K::Compile: return compile(script);
      case K::Predict: {
        pivot::Dataset input;
        input.features = SetupValue::expr(step.text);
        return {step.variable + " = " + model_name(script) + ".predict(" + features(input) +
                ", verbose=0)"};
      }
      case K::PredictLoop: return predict_loop(step, script);
      default: return todo(step, "this step has no Keras spelling yet");
    }
  }

  std::vector<std::string> imports() const override {
    std::vector<std::string> out;
    if (needs_math_) out.push_back("import math");
    if (needs_os_) out.push_back("import os");
    out.push_back("import numpy as np");
    out.push_back(api_ == Api::TfKeras ? "import tensorflow as tf" : "import keras");
    return out;
  }

  bool partial() const override { return partial_; }

 private:
  std::vector<std::string> todo(const ScriptStep& step, const std::string& reason) {
    partial_ = true;
    diags_.error(Code::ScriptUnsupported, step.location) << reason;
    std::vector<std::string> out{"# TODO(nnport): " + reason + ":"};
    size_t at = 0;
    while (at <= step.text.size()) {
      const size_t end = step.text.find('\n', at);
      out.push_back("# " +
                    step.text.substr(at, end == std::string::npos ? std::string::npos : end - at));
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return out;
  }

  // Problems of a spelling become TODO lines above it (the statement is still written).
  void problems(const ScriptStep& step, const SetupSpelling& s, std::vector<std::string>& out) {
    for (const auto& p : s.problems) {
      partial_ = true;
      diags_.error(Code::ScriptUnsupported, step.location) << p;
      out.push_back("# TODO(nnport): " + p);
    }
    needs_math_ |= s.needs_math;
  }

  std::string model_var(const pivot::Script& script, const ScriptStep& step) const {
    if (!step.variable.empty()) return step.variable;
    return script.model_variable.empty() ? "model" : script.model_variable;
  }

  std::string weights_path(const ScriptStep& step) {
    // Keras 3 save_weights requires a name ending in .weights.h5.
    const std::string& p = step.text;
    if (p.size() >= 2 && (p.front() == '"' || p.front() == '\'') && p.back() == p.front() &&
        p.find('{') == std::string::npos && p.find('\\') == std::string::npos) {
      std::string inner = p.substr(1, p.size() - 2);
      if (inner.size() >= 11 && inner.compare(inner.size() - 11, 11, ".weights.h5") == 0) return p;
      const size_t slash = inner.rfind('/');
      const size_t dot = inner.rfind('.');
      if (dot != std::string::npos && (slash == std::string::npos || dot > slash))
        inner = inner.substr(0, dot);
      diags_.note(Code::TrainingConvention, step.location)
          << "the weights are saved as " << inner << ".weights.h5 (Keras' weights format and name)";
      return python_string(inner + ".weights.h5");
    }
    needs_os_ = true;
    diags_.note(Code::TrainingConvention, step.location)
        << "the weights path gets the .weights.h5 extension Keras requires";
    return "os.path.splitext(" + p + ")[0] + \".weights.h5\"";
  }

  // The optimiser's learning rate (unset when there is none).
  static SetupValue base_rate(const pivot::Script& script) {
    if (!script.setup.optimizer) return {};
    auto it = script.setup.optimizer->args.find("learning_rate");
    return it == script.setup.optimizer->args.end() ? SetupValue{} : it->second;
  }

  std::vector<std::string> optimizer(const ScriptStep& step, const pivot::Script& script) {
    std::vector<std::string> out;
    if (!script.setup.optimizer) return todo(step, "the optimiser was not read");
    pivot::Optimizer opt = *script.setup.optimizer;
    // A schedule stepped every batch is the optimiser's learning_rate: written before it.
    for (const auto& sch : script.setup.schedules) {
      if (sch.unit != "batch" || !has_batch_schedule(sch.kind)) continue;
      BatchScheduleSpelling b =
          spell_batch_schedule(sch, keras_, base_rate(script),
                               [&](const SetupValue& v) { return target_value(script, v); });
      if (!b.problems.empty()) continue;  // reported at the schedule's own statement
      needs_math_ |= b.needs_math;
      out.insert(out.end(), b.lines.begin(), b.lines.end());
      opt.args["learning_rate"] = SetupValue::expr(sch.variable);
      batch_schedules_.insert(sch.variable);
      diags_.note(Code::TrainingConvention, sch.location)
          << "'" << sch.variable
          << "' steps after every batch: a LearningRateSchedule the optimiser evaluates at each "
             "step";
    }
    SetupSpelling s = spell_optimizer(opt, keras_, diags_);
    problems(step, s, out);
    if (s.text.empty()) return out;
    out.push_back(step.variable + " = " + s.text);
    return out;
  }

  std::vector<std::string> loss(const ScriptStep& step, const pivot::Script& script) {
    std::vector<std::string> out;
    if (!script.setup.loss) return todo(step, "the loss was not read");
    SetupSpelling s = spell_loss(*script.setup.loss, keras_, diags_);
    problems(step, s, out);
    if (s.text.empty()) return out;
    out.push_back(step.variable + " = " + s.text);
    return out;
  }

  std::vector<std::string> schedule(const ScriptStep& step, const pivot::Script& script) {
    std::vector<std::string> out;
    const pivot::Schedule& sch = script.setup.schedules.at(step.index);
    if (script.setup.optimizer && sch.kind != "reduce_on_plateau" &&
        pivot::momentum_scales_with_rate(*script.setup.optimizer))
      diags_.warning(Code::TrainingConvention, sch.location)
          << "SGD momentum with a changing learning rate: PyTorch multiplies the whole momentum "
             "buffer by the current rate, Keras each gradient by its step's rate before it "
             "enters the momentum; the updates differ once the rate has changed";
    if (batch_schedules_.count(sch.variable))
      return {"# " + sch.variable +
              " (stepped every batch in the source) is the optimizer's learning_rate."};
    if (sch.unit == "batch" && has_batch_schedule(sch.kind)) {
      BatchScheduleSpelling b =
          spell_batch_schedule(sch, keras_, base_rate(script),
                               [&](const SetupValue& v) { return target_value(script, v); });
      if (b.problems.empty()) return todo(step, "the schedule was not written");
      SetupSpelling rest;
      rest.problems.assign(b.problems.begin() + 1, b.problems.end());
      problems(step, rest, out);
      auto marked = todo(step, b.problems.front());
      out.insert(out.end(), marked.begin(), marked.end());
      return out;
    }
    SetupValue lr;
    if (script.setup.optimizer)
      if (auto it = script.setup.optimizer->args.find("learning_rate");
          it != script.setup.optimizer->args.end())
        lr = it->second;
    SetupSpelling s = spell_schedule(sch, lr, keras_, diags_);
    problems(step, s, out);
    if (s.text.empty()) return out;
    // A callback, not a per-step schedule over steps_per_epoch: it sets the rate at each
    // epoch's start as the source's scheduler.step() after each epoch does, whatever the
    // number of batches (a last partial batch, drop_last).
    out.push_back("# " + sch.variable +
                  " steps once per epoch in the source: a callback of fit sets the rate at each "
                  "epoch's start.");
    out.push_back(step.variable + " = " + s.text);
    return out;
  }

  // Arrays stay NumPy arrays: a TensorDataset or DataLoader over them writes nothing (fit and
  // evaluate take the arrays with the loader's batch size); an image folder becomes
  // image_dataset_from_directory where the loader is made.
  std::vector<std::string> data(const ScriptStep& step, const pivot::Script& script) {
    const pivot::Dataset& d = script.setup.datasets.at(step.index);
    if (d.kind == "arrays") return {};
    if (d.kind == "split_of") {
      const pivot::Dataset* p = dataset(script, d.parent);
      if (p && p->kind == "split_of") return {};  // a loader over a part
      return split_part(step, d);
    }
    if (d.kind == "builtin")
      return d.parent.empty() ? builtin_dataset(step, d) : std::vector<std::string>{};
    if (d.kind != "image_folder")
      return todo(step, "a dataset of kind '" + d.kind + "' has no Keras spelling yet");
    if (d.parent.empty()) return {};  // the ImageFolder itself: read where its loader is made
    return image_folder(step, d);
  }

  // A published dataset (torchvision.datasets.FashionMNIST, ...) read with keras.datasets: the
  // same images in the same order, as a (images, labels) pair of NumPy arrays with the source's
  // ToTensor/Normalize written out on channels-last images.
  std::vector<std::string> builtin_dataset(const ScriptStep& step, const pivot::Dataset& d) {
    const std::string name = d.args.count("name") ? d.args.at("name").text : "";
    const frameworks::SetupRow* row = frameworks::find_row_for_kind(
        frameworks::keras::training_rows(), pivot::SetupFamily::Dataset, name);
    if (!row) return todo(step, "the dataset '" + name + "' has no keras.datasets reader");
    // load_data() returns (train, test): the source's one split of it.
    const SetupValue& split = d.builtin_split;
    std::string part;
    if (split.kind == SetupValue::Kind::String && (split.text == "train" || split.text == "test"))
      part = split.text == "train" ? "[0]" : "[1]";
    else if (split.kind == SetupValue::Kind::Expr)
      part = "[0 if " + setup_literal(split) + " else 1]";
    else
      return todo(step,
                  "the split " + setup_literal(split) + " of '" + name + "' is not one split");
    const std::string& v = step.variable;
    std::string x = v + "[0]";
    if (row->implied.count("images") && row->implied.at("images") == "NHW") x += "[..., None]";
    x += ".astype(\"float32\")";
    // Random training transforms run on the 0-255 images batch by batch (AugmentedBatches);
    // the deterministic ones after them are the batches' `scale`.
    bool augments = false, scaled = false;
    for (const auto& t : d.transforms) {
      if (t.training_only && scaled)
        return todo(step, "a random transform after ToTensor/Normalize has no Keras spelling yet");
      augments |= t.training_only;
      scaled |= !t.training_only;
    }
    std::string scale = augments ? "x" : x;
    for (const auto& t : d.transforms) {
      std::string& target = augments ? scale : x;
      if (t.training_only) continue;
      if (t.kind == "to_float")
        target += " / 255.0";
      else if (t.kind == "normalize")
        target = "(" + target + " - np.array(" + setup_literal(t.args.at("mean")) +
                 ", dtype=\"float32\")) / np.array(" + setup_literal(t.args.at("std")) +
                 ", dtype=\"float32\")";
      else if (t.kind == "flatten" && !augments)  // each sample in the source's (C, H, W) order
        target = "np.transpose(" + target + ", (0, 3, 1, 2)).reshape(len(" + v + "[1]), -1)";
      else
        return todo(step, "the transform '" + t.kind +
                              "' of a keras.datasets dataset has no "
                              "Keras spelling yet");
    }
    std::vector<std::string> augmentation;
    if (augments) {
      if (channels_last_images("x") != "x")
        return todo(step, "random transforms for a model whose images are not channels-last");
      AugmentationSpelling a = augmentation_layers(d.transforms, keras_);
      if (!a.problem.empty()) return todo(step, a.problem);
      if (!augmented_class_written_) augmentation = augmented_batches_class(keras_, api_);
      augmented_class_written_ = true;
      needs_math_ = true;
      std::string names;
      for (const auto& n : a.names) names += (names.empty() ? "" : ", ") + n;
      augmentation.push_back("# The source's random training transforms (" + names +
                             ") as Keras layers, applied to each training batch of 0-255");
      augmentation.push_back(
          "# images by " + std::string(kAugmentedBatches) +
          "; its ToTensor/Normalize follow them. Keras draws other random numbers than "
          "torchvision.");
      augmentation.push_back(v + "_augment = " + keras_ + ".Sequential([");
      for (const auto& l : a.layers) augmentation.push_back("    " + l + ",");
      augmentation.push_back("])");
      augmentation.push_back("");
      augmentation.push_back("");
      augmentation.push_back("def " + v + "_scale(x):");
      augmentation.push_back("    return " + scale);
      augmentation.push_back("");
      augmentation.push_back("");
      diags_.warning(Code::TrainingConvention, step.location)
          << "the random transforms " << names
          << " are Keras preprocessing layers applied to each training batch: the random draws "
             "differ from torchvision's, so the batches (and the losses) cannot be the same, only "
             "their distribution";
    }
    const std::string reader = keras_ + row->symbol.substr(row->symbol.find('.'));
    std::vector<std::string> out = augmentation;
    out.push_back("# " + name +
                  (part == "[0]"   ? " training"
                   : part == "[1]" ? " test"
                                   : "") +
                  " split from " + reader +
                  ".load_data(): the same images in the same order as torchvision's files.");
    out.push_back(v + " = " + reader + ".load_data()" + part);
    out.push_back("# The source's transforms on channels-last images, labels as int64 indices.");
    out.push_back(v + " = (");
    out.push_back("    " + x + ",");
    out.push_back("    " + v + "[1].reshape(-1).astype(\"int64\"),");
    out.push_back(")");
    diags_.note(Code::TrainingConvention, step.location)
        << "'" << v << "' is read with " << row->symbol
        << ".load_data() (Keras' own copy of the dataset; the source's root folder is not used)";
    return out;
  }

  std::vector<std::string> image_folder(const ScriptStep& step, const pivot::Dataset& d) {
    std::vector<std::string> out;
    std::string height, width;
    std::vector<std::string> maps;
    for (const auto& t : d.transforms) {
      if (t.kind == "resize") {
        height = setup_literal(t.args.at("height"));
        width = setup_literal(t.args.at("width"));
      } else if (t.kind == "to_float") {
        maps.push_back("x / 255.0");
      } else if (t.kind == "normalize") {
        maps.push_back("(x - np.array(" + setup_literal(t.args.at("mean")) +
                       ", dtype=\"float32\")) / np.array(" + setup_literal(t.args.at("std")) +
                       ", dtype=\"float32\")");
      } else {
        return todo(step, "the image transform '" + t.kind + "' has no Keras spelling yet");
      }
    }
    if (height.empty() && input_shape_.size() == 4 && input_shape_[2] > 0 && input_shape_[3] > 0) {
      // No Resize: the model's input size (channels-first in the source graph).
      height = std::to_string(input_shape_[2]);
      width = std::to_string(input_shape_[3]);
      diags_.note(Code::TrainingConvention, step.location)
          << "image_dataset_from_directory resizes every image: to the model's input size "
          << height << "x" << width << " (the source reads them at their own size)";
    }
    if (height.empty())
      return todo(step, "the image size is unknown (no Resize and no model input size)");
    out.push_back(step.variable + " = " + keras_ + ".utils.image_dataset_from_directory(");
    out.push_back("    " + setup_literal(d.args.at("path")) + ",");
    out.push_back("    labels=\"inferred\",");
    out.push_back("    label_mode=\"int\",");
    out.push_back("    color_mode=\"rgb\",");
    out.push_back("    image_size=(" + height + ", " + width + "),");
    out.push_back("    interpolation=\"bilinear\",");
    out.push_back("    batch_size=" + (d.batch_size.set() ? setup_literal(d.batch_size) : "1") +
                  ",");
    out.push_back("    shuffle=" + (d.shuffle.set() ? setup_literal(d.shuffle) : "False") + ",");
    out.push_back(")");
    if (!maps.empty()) {
      std::string expr = "x";
      for (const auto& m : maps) {
        std::string next = m;
        const size_t at = next.find('x');
        next = next.substr(0, at) + "(" + expr + ")" + next.substr(at + 1);
        expr = next;
      }
      out.push_back("# ToTensor/Normalize of the source, on channels-last images of 0-255 values.");
      out.push_back(step.variable + " = " + step.variable + ".map(lambda x, y: (" + expr + ", y))");
    }
    if (d.drop_last.set() && d.drop_last.kind == SetupValue::Kind::Bool && d.drop_last.b)
      return todo(step, "drop_last=True has no image_dataset_from_directory counterpart");
    diags_.note(Code::TrainingConvention, step.location)
        << "image_dataset_from_directory decodes and resizes with TensorFlow (torchvision uses "
           "PIL); shuffling "
           "uses a buffer of 8 batches";
    return out;
  }

  // A published dataset with random training transforms: fit takes its batches from
  // AugmentedBatches (a loader copies its dataset's transforms, so this holds for both). Decided
  // from the pivot, not from what was written before: a helper function's fit may come first.
  static bool augmented(const pivot::Dataset& d) {
    if (d.kind != "builtin") return false;
    for (const auto& t : d.transforms)
      if (t.training_only) return true;
    return false;
  }

  const pivot::Dataset* dataset(const pivot::Script& script, const std::string& var) const {
    for (const auto& d : script.setup.datasets)
      if (d.variable == var) return &d;
    return nullptr;
  }

  bool permutes_input() const {
    for (size_t i = 0; i < input_perm_.size(); ++i)
      if (input_perm_[i] != static_cast<int64_t>(i)) return true;
    return false;
  }

  std::string features(const pivot::Dataset& d) {
    const std::string x = setup_literal(d.features);
    if (!permutes_input()) return x;
    std::string perm;
    for (auto p : input_perm_) perm += (perm.empty() ? "" : ", ") + std::to_string(p);
    return "np.transpose(" + x + ", (" + perm + "))";
  }

  // The (features, labels) pair variable a split or keras.datasets dataset is written as: the
  // part itself, or the part a loader reads.
  std::string pair_variable(const pivot::Script& script, const pivot::Dataset& d) const {
    const pivot::Dataset* p = d.parent.empty() ? nullptr : dataset(script, d.parent);
    if (d.kind == "split_of") return p && p->kind == "split_of" ? d.parent : d.variable;
    return d.parent.empty() ? d.variable : d.parent;
  }

  // The labels of a dataset as a target expression (its length is the number of samples).
  std::string labels_of(const pivot::Script& script, const pivot::Dataset& d) const {
    if (d.kind == "split_of" || d.kind == "builtin") return pair_variable(script, d) + "[1]";
    return setup_literal(d.labels);
  }

  // random_split: the arrays permuted by a seeded NumPy generator, cut at the lengths.
  std::vector<std::string> split_part(const ScriptStep& step, const pivot::Dataset& d) {
    const SetupValue& lengths = d.args.at("lengths");
    const int64_t part = d.args.at("part").i;
    std::vector<std::string> out;
    if (part == 0) {
      const SetupValue& seed = d.args.at("seed");
      if (seed.kind == SetupValue::Kind::Expr && seed.text == "None") {
        // torch's global generator: its state depends on every draw before the split (the
        // model's initialisation among them), which the Keras script does not make.
        out.push_back(
            "# random_split: torch draws the permutation from its global generator, whose "
            "state depends on every draw before it; this NumPy permutation puts other samples "
            "in each part (the same sizes).");
        out.push_back("_split_order = np.random.default_rng().permutation(len(" +
                      setup_literal(d.labels) + "))");
        diags_.warning(Code::TrainingConvention, step.location)
            << "random_split without a generator: torch's global generator picks the samples of "
               "each part, the migrated script a NumPy permutation: other samples, the same "
               "sizes (pass generator=torch.Generator().manual_seed(seed) for the same split)";
      } else {
        out.push_back(
            "# random_split: torch's permutation for the seeded generator, computed with NumPy "
            "(the same samples in each part).");
        const auto def = torch_randperm_definition();
        out.insert(out.end(), def.begin(), def.end());
        out.push_back("_split_order = " + std::string(kTorchRandpermFunction) + "(len(" +
                      setup_literal(d.labels) + "), " + setup_literal(seed) + ")");
        diags_.note(Code::TrainingConvention, step.location)
            << "random_split: torch.randperm of the seeded generator is written with NumPy "
               "(MT19937 seeded as torch's CPU generator): the same samples in each part";
      }
      if (d.args.count("fractions")) {
        std::string sizes;
        for (const auto& l : lengths.items) sizes += (sizes.empty() ? "" : ", ") + setup_literal(l);
        out.push_back("# torch's part sizes for the fractions " +
                      setup_literal(d.args.at("fractions")) +
                      ": floor of each, the remainder one by one from the first part.");
        out.push_back("_split_sizes = [" + sizes + "]");
      }
    }
    const bool fractions = d.args.count("fractions") != 0;
    std::string start = "0", end;
    for (int64_t i = 0; i <= part && i < static_cast<int64_t>(lengths.items.size()); ++i) {
      const std::string len = fractions ? "_split_sizes[" + std::to_string(i) + "]"
                                        : setup_literal(lengths.items[static_cast<size_t>(i)]);
      if (i < part) start = start == "0" ? "(" + len + ")" : start + " + (" + len + ")";
      if (i == part) end = start == "0" ? "(" + len + ")" : start + " + (" + len + ")";
    }
    const std::string rows = "_split_order[" + start + ":" + end + "]";
    out.push_back(step.variable + " = (" + setup_literal(d.features) + "[" + rows + "], " +
                  setup_literal(d.labels) + "[" + rows + "])");
    return out;
  }

  // NHWC images (keras.datasets) for the model's input: the source's layout is NCHW, and the
  // model takes it permuted by input_perm_, so axis i of the input is NHWC axis
  // kFromNchw[input_perm_[i]].
  std::string channels_last_images(const std::string& x) const {
    static const int64_t kFromNchw[4] = {0, 3, 1, 2};
    std::vector<int64_t> perm(4);
    for (size_t i = 0; i < 4; ++i) {
      const int64_t p = input_perm_.size() == 4 ? input_perm_[i] : static_cast<int64_t>(i);
      perm[i] = p >= 0 && p < 4 ? kFromNchw[p] : static_cast<int64_t>(i);
    }
    bool identity = true;
    std::string text;
    for (size_t i = 0; i < 4; ++i) {
      identity &= perm[i] == static_cast<int64_t>(i);
      text += (i ? ", " : "") + std::to_string(perm[i]);
    }
    return identity ? x : "np.transpose(" + x + ", (" + text + "))";
  }

  // A PyTorch prediction loop over a loader: predict on the loader's arrays (the same samples in
  // the same order: the loader does not shuffle), each batch's outputs appended as the source
  // appends them; its later torch.cat is np.concatenate.
  std::vector<std::string> predict_loop(const ScriptStep& step, const pivot::Script& script) {
    const pivot::PredictLoop& p = script.predict_loops.at(step.index);
    if (!step.variable.empty()) return {step.variable + " = np.concatenate(" + p.collect + ")"};
    const pivot::Dataset* d = dataset(script, p.data);
    if (!d || !d->batch_size.set())
      return todo(step, "the prediction loop's data '" + p.data + "' has no Keras spelling yet");
    if (!(d->shuffle.kind == SetupValue::Kind::Bool && !d->shuffle.b))
      return todo(step, "a prediction loop over a shuffling loader (Keras predicts in order)");
    const std::optional<std::string> x = features_of(script, *d);
    if (!x)
      return todo(step, "the prediction loop's data '" + p.data + "' has no Keras spelling yet");
    const std::string batch = setup_literal(d->batch_size);
    std::string reduce;
    if (p.argmax_axis.set()) reduce = ".argmax(" + setup_literal(p.argmax_axis) + ")";
    return {"# The prediction loop over '" + p.data +
                "': predict on its arrays, then its batches of " + batch + " in order.",
            "_outputs = " + model_name(script) + ".predict(" + *x + ", batch_size=" + batch +
                ", verbose=0)",
            "for _start in range(0, len(_outputs), " + batch + "):",
            "    " + p.collect + ".append(_outputs[_start:_start + " + batch + "]" + reduce + ")"};
  }

  // The positional data arguments of fit/evaluate for a dataset variable, and whether it is
  // batched by its pipeline.
  std::optional<std::string> data_args(const pivot::Script& script, const std::string& var,
                                       bool& batched) {
    const pivot::Dataset* d = dataset(script, var);
    if (!d) return std::nullopt;
    if (d->kind == "image_folder") {
      batched = true;
      if (one_hot_labels_) return std::nullopt;  // its labels are class indices
      return var;
    }
    // Random training transforms: batches made by AugmentedBatches (script_augmentation.h).
    if (augmented(*d)) {
      if (one_hot_labels_ || !d->batch_size.set()) return std::nullopt;
      batched = true;
      const std::string p = pair_variable(script, *d);
      return std::string(kAugmentedBatches) + "(" + p + "[0], " + p + "[1], " + p + "_augment, " +
             p + "_scale, batch_size=" + setup_literal(d->batch_size) +
             ", shuffle=" + (d->shuffle.set() ? setup_literal(d->shuffle) : "False") + ")";
    }
    const std::optional<std::string> x = features_of(script, *d);
    if (!x) return std::nullopt;
    batched = false;
    std::string y = labels_of(script, *d);
    // Class indices one-hot for CategoricalCrossentropy(label_smoothing=...) (see spell_loss).
    if (one_hot_labels_) {
      if (classes_ <= 0) return std::nullopt;
      y = "np.eye(" + std::to_string(classes_) + ", dtype=\"float32\")[np.asarray(" + y +
          ").reshape(-1)]";
    }
    return *x + ", " + y;
  }

  // The model's input array of an in-memory dataset (channels-last images for the model).
  std::optional<std::string> features_of(const pivot::Script& script, const pivot::Dataset& d) {
    if (augmented(d)) return std::nullopt;  // its batches only (AugmentedBatches)
    if (d.kind == "builtin") {
      // Flattened where it is read: one axis per sample, no image layout left.
      const bool flat =
          std::any_of(d.transforms.begin(), d.transforms.end(),
                      [](const pivot::DataTransform& t) { return t.kind == "flatten"; });
      const std::string x = pair_variable(script, d) + "[0]";
      return flat ? x : channels_last_images(x);
    }
    if (d.kind == "split_of") {
      pivot::Dataset as_arrays = d;
      as_arrays.features = SetupValue::expr(pair_variable(script, d) + "[0]");
      return features(as_arrays);
    }
    if (d.kind == "arrays") return features(d);
    return std::nullopt;
  }

  std::vector<std::string> compile(const pivot::Script& script) {
    compiled_ = true;
    std::vector<std::string> out;
    std::string optimizer =
        script.setup.optimizer ? script.setup.optimizer->variable : "\"rmsprop\"";
    std::string loss = script.setup.loss ? script.setup.loss->variable : "None";
    if (script.setup.loss && loss.empty()) {
      // The source calls a torch.nn.functional loss in its loop: a Keras loss object for it.
      SetupSpelling s = spell_loss(*script.setup.loss, keras_, diags_);
      ScriptStep at;
      at.location = script.setup.loss->location;
      problems(at, s, out);
      loss = "loss_fn";
      out.push_back(
          "# The source's loop calls a torch.nn.functional loss; Keras compiles this one.");
      out.push_back(loss + " = " + (s.text.empty() ? "None" : s.text));
    }
    const auto& opt = script.setup.optimizer;
    if (opt && opt->decay == pivot::Optimizer::Decay::Coupled && api_ == Api::Keras3) {
      // torch's coupled weight_decay adds wd * w to every parameter's gradient: exactly the
      // gradient of an L2 penalty wd/2 * sum(w^2). Keras 3 adds the penalty of every trainable
      // variable's `regularizer` to the training loss, whatever layer holds it.
      const std::string m = model_name(script);
      const std::string c = setup_literal(opt->weight_decay) + " / 2";
      out.push_back("# weight_decay=" + setup_literal(opt->weight_decay) +
                    " of the source optimiser is coupled (weight_decay * w added to each");
      out.push_back(
          "# gradient): an L2 penalty of weight_decay / 2 on every weight has that "
          "gradient. Keras'");
      out.push_back(
          "# weight_decay would be decoupled. The loss fit reports includes the penalty; "
          "the source's did not.");
      out.push_back("for weight in " + m + ".trainable_weights:");
      out.push_back("    weight.regularizer = " + keras_ + ".regularizers.L2(" + c + ")");
      diags_.warning(Code::TrainingConvention, opt->location)
          << "coupled weight_decay=" << setup_literal(opt->weight_decay)
          << " is written as an L2 penalty of weight_decay/2 on every weight (the same "
             "gradients); the loss Keras reports includes the penalty";
    } else if (opt && opt->decay == pivot::Optimizer::Decay::Coupled) {
      // tf.keras reads no regularizer set after a layer is built: an L2 term of the loss.
      const std::string m = script.model_variable.empty() ? "model" : script.model_variable;
      out.push_back("");
      out.push_back("def " + loss + "_with_weight_decay(y_true, y_pred):");
      out.push_back("    # weight_decay=" + setup_literal(opt->weight_decay) +
                    " of the source optimiser: an L2 term of weight_decay / 2 on every weight.");
      out.push_back("    l2 = sum(" + keras_ + ".ops.sum(" + keras_ + ".ops.square(w)) for w in " +
                    m + ".trainable_weights)");
      out.push_back("    return " + loss + "(y_true, y_pred) + " +
                    setup_literal(opt->weight_decay) + " / 2 * l2");
      out.push_back("");
      out.push_back("");
      diags_.warning(Code::TrainingConvention, opt->location)
          << "coupled weight_decay=" << setup_literal(opt->weight_decay)
          << " is written as an L2 loss term of weight_decay/2 (the same gradients); the reported "
             "loss includes it";
      loss += "_with_weight_decay";
    }
    std::string metrics;
    for (pivot::Metric m : script.setup.metrics) {
      if (one_hot_labels_ && m.kind == "sparse_categorical_accuracy")
        m.kind = "categorical_accuracy";  // the labels are one-hot here
      SetupSpelling s = spell_metric(m, keras_);
      if (s.text.empty()) continue;
      metrics += (metrics.empty() ? "" : ", ") + s.text;
    }
    out.push_back(model_name(script) + ".compile(");
    out.push_back("    optimizer=" + optimizer + ",");
    out.push_back("    loss=" + loss + ",");
    if (!metrics.empty()) out.push_back("    metrics=[" + metrics + "],");
    out.push_back(")");
    return out;
  }

  // A setup value in the target: `len(loader)` of a loader over arrays is its number of
  // batches, computed from the arrays (the target has no loader object).
  std::string target_value(const pivot::Script& script, const SetupValue& v) {
    const std::string text = setup_literal(v);
    if (v.kind == SetupValue::Kind::Expr && text.rfind("len(", 0) == 0 && text.back() == ')') {
      const pivot::Dataset* d = dataset(script, text.substr(4, text.size() - 5));
      if (d && (d->kind == "arrays" || d->kind == "split_of" || d->kind == "builtin") &&
          d->batch_size.set()) {
        const bool drop = d->drop_last.kind == SetupValue::Kind::Bool && d->drop_last.b;
        needs_math_ |= !drop;
        const std::string n = "len(" + labels_of(script, *d) + ")";
        return drop ? n + " // " + setup_literal(d->batch_size)
                    : "math.ceil(" + n + " / " + setup_literal(d->batch_size) + ")";
      }
    }
    return text;
  }

  std::string model_name(const pivot::Script& script) const {
    return script.model_variable.empty() ? "model" : script.model_variable;
  }

  std::vector<std::string> train(const ScriptStep& step, const pivot::Script& script) {
    const pivot::Fit& fit = script.fits.at(step.index);
    std::vector<std::string> out;
    if (two_bias_layer_)
      diags_.warning(Code::TrainingConvention, two_bias_layer_->location)
          << "'" << two_bias_layer_->name
          << "' has two bias vectors in PyTorch (bias_ih, bias_hh), each "
          << "updated with the same gradient, and one (their sum) in Keras: the outputs are equal, "
             "the "
          << "training updates of that bias are not";
    if (!compiled_) out = compile(script);
    bool batched = false;
    auto data = data_args(script, fit.train_data, batched);
    if (!data)
      return todo(step, "the training data '" + fit.train_data + "' has no Keras spelling yet");
    std::vector<std::string> args{*data};
    if (!batched) {
      args.push_back("batch_size=" + (fit.batch_size.set() ? setup_literal(fit.batch_size) : "1"));
      args.push_back("shuffle=" + (fit.shuffle.set() ? setup_literal(fit.shuffle) : "False"));
      const pivot::Dataset* d = dataset(script, fit.train_data);
      if (d && d->drop_last.kind == SetupValue::Kind::Bool && d->drop_last.b) {
        auto t = todo(step, "drop_last=True (Keras fit trains on the last, smaller batch too)");
        out.insert(out.end(), t.begin(), t.end());
      }
    }
    if (!fit.epoch_variable.empty()) {
      // The source's epoch loop is kept: this call fits its one epoch (Keras counts epochs from
      // initial_epoch, as schedules see them).
      const std::string start = fit.epoch_start.set() ? setup_literal(fit.epoch_start) : "0";
      const std::string index =
          start == "0" ? fit.epoch_variable : "(" + fit.epoch_variable + " - " + start + ")";
      args.push_back("initial_epoch=" + index);
      args.push_back("epochs=" + index + " + 1");
    } else {
      args.push_back("epochs=" + setup_literal(fit.epochs));
    }
    if (!fit.validation_data.empty()) {
      bool vbatched = false;
      auto v = data_args(script, fit.validation_data, vbatched);
      if (!v)
        return todo(step,
                    "the validation data '" + fit.validation_data + "' has no Keras spelling yet");
      args.push_back("validation_data=" + (vbatched ? *v : "(" + *v + ")"));
      if (!vbatched) {
        const pivot::Dataset* vd = dataset(script, fit.validation_data);
        if (vd && vd->batch_size.set())
          args.push_back("validation_batch_size=" + setup_literal(vd->batch_size));
      }
    }
    std::string callbacks;
    for (const auto& s : script.setup.schedules)
      if (!batch_schedules_.count(s.variable))
        callbacks += (callbacks.empty() ? "" : ", ") + s.variable;
    for (const auto& c : script.setup.callbacks) {
      pivot::Callback cb = c;
      if (auto p = cb.args.find("filepath"); p != cb.args.end()) {
        // Keras' save_weights_only checkpoints need a .weights.h5 name, as save_weights.
        ScriptStep path;
        path.text = setup_literal(p->second);
        path.location = c.location;
        p->second = SetupValue::expr(weights_path(path));
        for (const auto& other : script.setup.callbacks) {
          auto d = other.args.find("min_delta");
          if (other.kind == "early_stopping" && d != other.args.end() &&
              !(d->second.kind == SetupValue::Kind::Float && d->second.f == 0))
            diags_.warning(Code::TrainingConvention, c.location)
                << "the source saves the best weights only when the validation loss improves by "
                   "more than min_delta; ModelCheckpoint(save_best_only=True) saves on any "
                   "improvement";
        }
      }
      SetupSpelling s = spell_callback(cb, keras_);
      problems(step, s, out);
      if (!s.text.empty()) callbacks += (callbacks.empty() ? "" : ", ") + s.text;
    }
    if (!callbacks.empty()) args.push_back("callbacks=[" + callbacks + "]");
    args.push_back("verbose=" + (fit.verbose.set() ? setup_literal(fit.verbose) : "2"));
    const std::string lhs = fit.history_variable.empty() ? "" : fit.history_variable + " = ";
    out.push_back(lhs + model_name(script) + ".fit(");
    for (const auto& a : args) out.push_back("    " + a + ",");
    out.push_back(")");
    epoch_values(step, script, fit, out);
    return out;
  }

  // The source's batch-loop values its epoch statements read, from the epoch's history.
  void epoch_values(const ScriptStep& step, const pivot::Script& script, const pivot::Fit& fit,
                    std::vector<std::string>& out) {
    if (fit.bindings.empty()) return;
    const pivot::Dataset* d = dataset(script, fit.train_data);
    const std::string h = fit.history_variable + ".history";
    const std::string n = d ? "len(" + labels_of(script, *d) + ")" : "";
    const std::string bs = fit.batch_size.set() ? setup_literal(fit.batch_size) : "32";
    out.push_back("# The values of the source's batch loop, from this epoch's history.");
    for (const auto& b : fit.bindings) {
      std::string value;
      if (b.quantity == "loss_last")
        value = "np.float64(" + h + "[\"loss\"][-1])";
      else if (b.quantity == "loss_sum" && !n.empty())
        value = h + "[\"loss\"][-1] * " + n;
      else if (b.quantity == "loss_batch_sum" && !n.empty()) {
        value = h + "[\"loss\"][-1] * math.ceil(" + n + " / " + bs + ")";
        needs_math_ = true;
      } else if (b.quantity == "sample_count" && !n.empty())
        value = n;
      else if (b.quantity == "batch_count" && !n.empty()) {
        value = "math.ceil(" + n + " / " + bs + ")";
        needs_math_ = true;
      } else if (b.quantity.rfind("metric_count:", 0) == 0 && !n.empty()) {
        const std::string name = b.quantity.substr(b.quantity.find(':') + 1);
        for (const auto& m : script.setup.metrics)
          if (m.display_name == name)
            value = "round(" + h + "[" + python_string(name) + "][-1] * " + n + ")";
      }
      if (value.empty()) {
        auto t = todo(step, "'" + b.variable +
                                "' holds a value of the batch loop nnport cannot "
                                "derive from the history");
        out.insert(out.end(), t.begin(), t.end());
        continue;
      }
      out.push_back(b.variable + " = " + value);
    }
  }

  std::vector<std::string> evaluate(const ScriptStep& step, const pivot::Script& script) {
    const pivot::Evaluate& ev = script.evaluations.at(step.index);
    std::vector<std::string> out;
    if (!compiled_) out = compile(script);
    bool batched = false;
    auto data = data_args(script, ev.data, batched);
    if (!data) return todo(step, "the evaluation data '" + ev.data + "' has no Keras spelling yet");
    std::vector<std::string> results{"eval_loss"};
    for (const auto& m : script.setup.metrics)
      results.push_back("eval_" +
                        python_identifier(m.display_name.empty() ? m.kind : m.display_name));
    std::string lhs;
    for (const auto& r : results) lhs += (lhs.empty() ? "" : ", ") + r;
    std::string call = model_name(script) + ".evaluate(" + *data;
    if (!batched)
      call += ", batch_size=" + (ev.batch_size.set() ? setup_literal(ev.batch_size) : "1");
    call += ", verbose=0)";
    out.push_back(lhs + " = " + call);
    const pivot::Dataset* d = dataset(script, ev.data);
    const std::string n = batched || !d ? "sum(len(y) for _, y in " + ev.data + ")"
                                        : "len(" + labels_of(script, *d) + ")";
    const std::string batches =
        batched || !d ? "len(" + ev.data + ")"
                      : "math.ceil(" + n + " / " +
                            (ev.batch_size.set() ? setup_literal(ev.batch_size) : "1") + ")";
    bool approximate = false;
    for (const auto& b : ev.bindings) {
      std::string value;
      if (b.quantity == "loss_mean")
        value = "eval_loss";
      else if (b.quantity == "loss_value")  // a NumPy scalar: `.item()` works as on a tensor
        value = "np.float64(eval_loss)";
      else if (b.quantity == "loss_sum")
        value = "eval_loss * " + n;
      else if (b.quantity == "loss_batch_sum") {
        value = "eval_loss * " + batches;
        approximate = true;
        needs_math_ |= !batched;
      } else if (b.quantity == "sample_count")
        value = n;
      else if (b.quantity == "batch_count") {
        value = batches;
        needs_math_ |= !batched;
      } else if (b.quantity.rfind("metric_count:", 0) == 0 ||
                 b.quantity.rfind("metric_mean:", 0) == 0) {
        const std::string name = b.quantity.substr(b.quantity.find(':') + 1);
        std::string metric;
        for (const auto& m : script.setup.metrics)
          if (m.display_name == name) metric = "eval_" + python_identifier(name);
        if (metric.empty()) {
          auto t = todo(step, "'" + b.variable + "' counts a metric nnport did not compile");
          out.insert(out.end(), t.begin(), t.end());
          continue;
        }
        value = b.quantity.rfind("metric_count:", 0) == 0 ? "round(" + metric + " * " + n + ")"
                                                          : metric;
      } else {
        auto t =
            todo(step, "'" + b.variable + "' holds an evaluation quantity nnport cannot derive");
        out.insert(out.end(), t.begin(), t.end());
        continue;
      }
      out.push_back(b.variable + " = " + value);
    }
    if (approximate)
      diags_.note(Code::TrainingConvention, step.location)
          << "the source sums batch-mean losses; Keras' evaluate loss is the per-sample mean: the "
             "sum is "
             "reconstructed as mean * number of batches (exact when all batches have the same "
             "size)";
    if (!ev.result_variables.empty() && !ev.result_expression.empty()) {
      std::string targets;
      for (const auto& r : ev.result_variables) targets += (targets.empty() ? "" : ", ") + r;
      out.push_back(targets + " = " + ev.result_expression);
    }
    if (ev.bindings.empty())
      diags_.note(Code::TrainingConvention, step.location)
          << "the evaluation loop becomes evaluate()";
    return out;
  }

  std::string entry_;
  std::string keras_;
  Api api_;
  DiagnosticEngine& diags_;
  std::vector<int64_t> input_perm_;
  std::vector<int64_t> input_shape_;
  int64_t classes_ = 0;          // the model's last output axis (its number of classes)
  bool one_hot_labels_ = false;  // class indices one-hot at fit/evaluate (label smoothing)
  const pivot::Node* two_bias_layer_ = nullptr;  // LSTM/RNN: PyTorch's two biases are one in Keras
  std::set<std::string> batch_schedules_;        // written as the optimiser's learning_rate
  bool compiled_ = false;
  bool partial_ = false;
  bool needs_math_ = false;
  bool needs_os_ = false;
  bool augmented_class_written_ = false;
};

}  // namespace

std::unique_ptr<StepRenderer> make_step_renderer(const pivot::Script& script,
                                                 const std::string& entry_name, Api api,
                                                 DiagnosticEngine& diags,
                                                 const pivot::Model* model) {
  return std::make_unique<Renderer>(script, entry_name, api, diags, model);
}

}  // namespace nnport::writers::keras
