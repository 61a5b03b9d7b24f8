namespace DigitalCell.Sdk.Catalog;

/// <summary>The publication to cite when using a data set.</summary>
/// <param name="Authors">Author names as printed ("Norman T.M."); long lists keep the first and last authors around "et al.".</param>
/// <param name="Year">Publication year.</param>
/// <param name="Title">Article title.</param>
/// <param name="Journal">Journal with volume and pages where known ("Science 365(6455):786-793"), or "bioRxiv".</param>
/// <param name="Doi">Digital object identifier, without the <c>https://doi.org/</c> prefix.</param>
public sealed record DatasetCitation(IReadOnlyList<string> Authors, int Year, string Title, string Journal, string Doi)
{
    /// <summary>A one-line reference: "Norman T.M. et al. (2019). Title. Journal. doi:…".</summary>
    public override string ToString()
    {
        string who = Authors.Count == 1 ? Authors[0] : $"{Authors[0]} et al.";
        return $"{who} ({Year}). {Title}. {Journal}. https://doi.org/{Doi}";
    }
}
