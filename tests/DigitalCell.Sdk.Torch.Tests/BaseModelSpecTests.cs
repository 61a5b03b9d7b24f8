using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Sdk.Torch.Tests;

public class BaseModelSpecTests
{
    [Test]
    public void A_base_model_spec_may_set_the_step_counts()
    {
        using var model = (DigitalCellBaseModel)NeuralModels.Create("dcell-base-tiny-no-priors:steps=3/4/5");
        Assert.That((model.Options.MaskedSteps, model.Options.JointSteps, model.Options.FineTuneSteps), Is.EqualTo((3, 4, 5)));
        Assert.That((model.Name, model.Options.Config.Name), Is.EqualTo(("dcell-base-tiny-no-priors", "tiny")));
        using var defaults = (DigitalCellBaseModel)NeuralModels.Create("dcell-base-tiny");
        Assert.That((defaults.Options.MaskedSteps, defaults.Options.JointSteps, defaults.Options.FineTuneSteps), Is.EqualTo((150, 400, 300)));
        // dcell benchmark's leave-out variant pretrains on the shipped model's recipe: the screens and the unperturbed sets.
        Assert.That(defaults.Options.CatalogIds, Is.EqualTo(new PretrainingOptions().Sources));
        Assert.That(defaults.Options.ObservationalIds, Is.EqualTo(new PretrainingOptions().Observational).And.Contains("combat-covid19-pbmc"));
        Assert.That(() => NeuralModels.Create("dcell-base-tiny:steps=3/4"),
            Throws.TypeOf<DigitalCellException>().With.Message.Contain("steps= takes three step counts"));
    }
}
