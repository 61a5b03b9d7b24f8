using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Tests.Perturbations;

public class NamingConventionTests
{
    private static CellDataset WithObs(params (string Column, string[] Values)[] columns) =>
        new(new DenseCellMatrix(columns[0].Values.Length, 1, new float[columns[0].Values.Length]),
            new AnnotationTable("obs", Enumerable.Range(0, columns[0].Values.Length).Select(i => $"c{i}").ToArray(),
                columns.Select(c => (AnnotationColumn)CategoricalColumn.FromLabels(c.Column, c.Values)).ToArray()),
            new AnnotationTable("var", ["g"]));

    [Test]
    public void CellEvalsTargetGeneAndNonTargetingAreDetectedFirst()
    {
        var data = WithObs(("target_gene", ["non-targeting", "STAT1"]), ("perturbation", ["control", "STAT1"]));
        Assert.That(PerturbationConventions.Resolve(data, null, null), Is.EqualTo(("target_gene", "non-targeting")));
        Assert.That(PerturbationConventions.Resolve(data, null, "control"), Is.EqualTo(("perturbation", "control")), "a given control picks the column that holds it");
        Assert.That(PerturbationConventions.Resolve(WithObs(("perturbation", ["control", "A"])), null, null), Is.EqualTo(("perturbation", "control")));
    }

    [Test]
    public void UnknownNamesGetTheirClosestKnownNames()
    {
        Assert.That(ClosestNames.For("STAT11", ["STAT1", "STAT2", "IRF1", "JAK2"]), Is.EqualTo(new[] { "STAT1", "STAT2" }));
        Assert.That(ClosestNames.For("stat1", ["STAT1"]), Is.EqualTo(new[] { "STAT1" }), "case-insensitive");
        Assert.That(ClosestNames.For("CD274", ["IFNGR1", "JAK2"]), Is.Empty);
    }
}
