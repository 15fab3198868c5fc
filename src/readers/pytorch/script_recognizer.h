// The PyTorch ScriptRecognizer: claims the framework statements of a training script (model
// construction, optimiser/loss/schedule objects, TensorDataset/DataLoader/ImageFolder data,
// the epoch loop with its batch loop, evaluation under torch.no_grad(), torch.save, seeds,
// device moves and mode switches) and turns them into typed pivot::ScriptSteps.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "readers/pytorch/script_loops.h"
#include "readers/script_walker.h"

namespace nnport::readers::pytorch {

// What a module-level helper function does, found before the walk: `def train_one_epoch(model,
// loader, optimizer, criterion)` (a batch loop with backward/step) or `def evaluate(model,
// loader, criterion)` (a batch loop without them, usually under torch.no_grad()).
// A helper may also run the whole training (Fit): `def train(model, loader, optimizer, epochs)`
// with the epoch loop around the batch loop; its calls become fit.
struct LoopHelper {
  enum class Role { Train, Evaluate, Fit };
  Role role = Role::Train;
  syntax::Node def;
  std::vector<std::string> params;  // parameter names, in order
  // What its batch loop is read with: the parameters, and for a helper over the script's
  // globals (script_global_helpers.h) the module's globals too.
  LoopNames names;
  std::set<std::string> loader_names;
};

// A module-level function returning one DataLoader (`def make_loader(x, y, batch_size): return
// DataLoader(...)`): read at each call with its parameters bound (script_loader_helpers.cc).
struct LoaderHelper {
  // The DataLoader call.
  syntax::Node loader;
  // Parameter name and default value (null: none), in order.
  std::vector<std::pair<std::string, syntax::Node>> params;
};

// A torch.utils.data.Dataset subclass of the script (script_dataset_classes.cc): its
// constructor's parameters, the tensors it stores (`self.NAME = <expr>`) and the two that
// __getitem__ returns, or `why` it does not map.
struct DatasetClass {
  syntax::Node node;
  std::vector<std::string> params;  // __init__'s, after self
  std::map<std::string, syntax::Node> members;
  std::string features, labels;
  std::string why;
  size_t uses = 0, constructions = 0;  // the class name's uses; those that construct it
};

class TorchScriptRecognizer : public ScriptRecognizer {
 public:
  // `model_names`: the classes/functions that define the model (the generated model replaces
  // them); `entry`: the one the script instantiates as the model.
  TorchScriptRecognizer(std::set<std::string> model_names, std::string entry);

  bool claim(syntax::Node stmt, ScriptContext& ctx, std::vector<pivot::ScriptStep>& out) override;
  bool touches_framework(syntax::Node node, const ScriptContext& ctx) const override;
  bool is_framework_import(syntax::Node stmt) const override;

  // Pre-scan of the module's function definitions (call before the walk).
  void find_helpers(syntax::Node module, const ScriptContext& ctx);
  // Pre-scan of the module's Dataset classes (call before the walk).
  void find_dataset_classes(syntax::Node module, const ScriptContext& ctx);

  std::string numpy_alias = "np";  // the script's alias of numpy
  // The variable of a module-level `model = nn.Sequential(...)` read as the model, else empty.
  std::string module_level_model;
  bool uses_numpy = false;  // a conversion to NumPy was written

 private:
  bool claim_assignment(syntax::Node stmt, syntax::Node assign, ScriptContext& ctx,
                        std::vector<pivot::ScriptStep>& out);
  bool claim_call(syntax::Node stmt, syntax::Node call, ScriptContext& ctx,
                  std::vector<pivot::ScriptStep>& out);
  bool claim_loop(syntax::Node stmt, ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  bool claim_no_grad(syntax::Node stmt, ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  // A torch.no_grad() block holding only a prediction loop over a loader, and the later
  // torch.cat of its list (script_predict_loops.cc).
  bool claim_predict_loop(syntax::Node stmt, const std::vector<syntax::Node>& inner,
                          ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  bool claim_prediction_concat(syntax::Node stmt, ScriptContext& ctx,
                               std::vector<pivot::ScriptStep>& out);
  // Loader helpers: the pre-scan, their definitions (dropped) and `loader = helper(...)` calls.
  void find_loader_helpers(syntax::Node module, const ScriptContext& ctx);
  bool claim_loader_helper(syntax::Node stmt, ScriptContext& ctx,
                           std::vector<pivot::ScriptStep>& out);
  // The number of samples of a dataset nnport read, framework-free: `len(y)` of its labels
  // array, a random_split part's length; nullopt for others (and for loaders).
  std::optional<std::string> sample_count(const std::string& dataset,
                                          const ScriptContext& ctx) const;
  // `node`'s text with every `len(<dataset>)` replaced by its sample count; nullopt when it
  // has none, or still touches the framework afterwards.
  std::optional<std::string> with_sample_counts(syntax::Node node, const ScriptContext& ctx) const;
  // `train_set, val_set = random_split(dataset, [n1, n2], generator=...)` over arrays.
  bool claim_random_split(syntax::Node stmt, syntax::Node left, syntax::Node right,
                          ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  bool claim_data(syntax::Node stmt, syntax::Node left, syntax::Node right,
                  const std::string& symbol, ScriptContext& ctx,
                  std::vector<pivot::ScriptStep>& out);
  // `torch.tensor(x, dtype=torch.float32)`, `torch.from_numpy(x).float()`: the NumPy expression
  // the target uses instead (the data stays a NumPy array), or nullopt.
  // `renames`: names replaced in the converted array's expression (a Dataset class's
  // constructor parameters -> the arguments of one construction).
  std::optional<std::string> numpy_conversion(
      syntax::Node expr, const ScriptContext& ctx,
      const std::map<std::string, std::string>* renames = nullptr) const;
  // A Dataset class of the script: its definition (dropped, or reported when it does not map)
  // and one construction read as the arrays it wraps (nullopt when it does not map).
  bool claim_dataset_class(syntax::Node stmt, ScriptContext& ctx,
                           std::vector<pivot::ScriptStep>& out);
  std::optional<pivot::Dataset> dataset_class_instance(syntax::Node call,
                                                       const ScriptContext& ctx) const;
  std::optional<pivot::Dataset> tensor_dataset(syntax::Node call, const ScriptContext& ctx) const;
  // One torchvision transform call (`transforms.ToTensor()`), nullopt with `why` when it has no
  // row or its arguments do not map.
  std::optional<pivot::DataTransform> read_transform(syntax::Node item, const ScriptContext& ctx,
                                                     std::string& why) const;
  // A dataset's transform= argument: a Compose variable read before or one transform call.
  bool image_transforms(syntax::Node transform, const ScriptContext& ctx,
                        std::vector<pivot::DataTransform>& out, std::string& why) const;
  // Training and evaluation loops of the script (script_loop_steps.cc).
  std::vector<pivot::ScriptStep> epoch_loop_steps(syntax::Node loop, ScriptContext& ctx);
  bool evaluation_call(syntax::Node stmt, ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  // The training setup's loss from a loop's torch.nn.functional loss call (false: reported).
  bool functional_loss(const BatchLoop& b, ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  // The epoch loop kept around one fit call per epoch, its statements run as written after it
  // (script_epoch_loop.cc).
  std::vector<pivot::ScriptStep> per_epoch_steps(
      syntax::Node loop, pivot::Fit fit, std::vector<pivot::ScriptStep> extra,
      const std::vector<syntax::Node>& kept, const std::vector<syntax::Node>& unknown,
      const std::vector<pivot::ResultBinding>& values, const std::set<std::string>& locals,
      const std::set<std::string>& helper_values, ScriptContext& ctx);
  // A dataset of in-memory arrays batched by the script itself (sliced by hand, or the whole
  // arrays at once when `batch_size` is null): its name in setup.datasets.
  std::string array_dataset(syntax::Node features, syntax::Node labels, syntax::Node batch_size,
                            ScriptContext& ctx);
  // `with torch.no_grad(): v = loss_fn(model(x), y)` (or `p = model(x)` then `v = loss_fn(p,
  // y)`): evaluate on the whole arrays (and predict).
  bool claim_array_evaluation(syntax::Node stmt, const std::vector<syntax::Node>& inner,
                              ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  // `if use_cuda: ...` without else: a branch only the CUDA device takes (dropped).
  bool claim_device_branch(syntax::Node stmt, ScriptContext& ctx,
                           std::vector<pivot::ScriptStep>& out);
  // `train(model, train_loader, opt, 5)` of a Fit helper: its epoch loop read with the
  // parameters bound to the arguments (script_fit_helpers.cc).
  bool fit_call(syntax::Node stmt, ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  // The per-batch flattening of a batch loop over `loader` done once on its dataset (a
  // published image dataset: a "flatten" transform after its others); false when the dataset
  // is of another kind (the statements stay reported).
  bool flatten_features(const std::string& loader, const BatchLoop& b, ScriptContext& ctx);
  // Functions returning a TensorDataset (script_dataset_helpers.cc): the pre-scan, their
  // `return TensorDataset(x, y)` (-> the arrays), and a dataset made from a call of one: the
  // step binding the arrays to `arrays` and the dataset reading them, or nullopt.
  void find_dataset_helpers(syntax::Node module, const ScriptContext& ctx);
  syntax::Node returned_tensor_dataset(syntax::Node ret, const ScriptContext& ctx) const;
  bool claim_dataset_return(syntax::Node stmt, ScriptContext& ctx,
                            std::vector<pivot::ScriptStep>& out);
  std::optional<pivot::Dataset> dataset_helper_arrays(syntax::Node stmt, syntax::Node source,
                                                      const std::string& arrays,
                                                      std::vector<pivot::ScriptStep>& out) const;
  // A loop helper's definition: not written; what it does that its calls' fit/evaluate do not
  // (statements of its batch loop not understood, saving or reading the model around the loop)
  // is reported at its line.
  void claim_helper_definition(syntax::Node def, const LoopHelper& h, ScriptContext& ctx,
                               std::vector<pivot::ScriptStep>& out);
  // The statements of a torch.no_grad() block that only call the model: Predict steps.
  bool claim_predictions(syntax::Node stmt, const std::vector<syntax::Node>& inner,
                         ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);

  bool is_model_ctor(syntax::Node expr, const ScriptContext& ctx) const;
  std::string qualified(syntax::Node expr, const ScriptContext& ctx) const;

  std::set<std::string> model_names_;
  std::string entry_;
  std::map<std::string, LoopHelper> helpers_;
  std::map<std::string, LoaderHelper> loader_helpers_;
  std::set<std::string> dataset_helpers_;
  // A prediction loop's list -> its index in script.predict_loops.
  std::map<std::string, size_t> prediction_lists_;
  std::map<std::string, size_t> datasets_;  // variable -> index in setup.datasets
  std::map<std::string, std::vector<pivot::DataTransform>> transforms_;  // Compose variables
  std::map<std::string, DatasetClass> dataset_classes_;
  LoopNames names_;
};

}  // namespace nnport::readers::pytorch
