using DigitalCell.Sdk.Data;
using PureHDF;
using PureHDF.VOL.Native;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>
/// A categorical column of an anndata 0.7 dataframe (<c>dataframe</c> 0.1.0, also the 2020 muon h5mu layout): a plain
/// dataset of integer codes whose <c>categories</c> attribute is an HDF5 object reference to the categories dataset
/// (anndata kept them in <c>&lt;frame&gt;/__categories/&lt;column&gt;</c>), with an <c>ordered</c> attribute there.
/// Decoded as anndata's <c>read_series</c> does.
/// </summary>
internal static class ReferencedCategorical
{
    /// <summary>Whether <paramref name="element"/> is such a column.</summary>
    public static bool Applies(IH5Object element) =>
        element is IH5Dataset && element.AttributeExists("categories") && element.Attribute("categories").Type.Class == H5DataTypeClass.Reference;

    /// <summary>Reads the column at <paramref name="path"/>.</summary>
    public static CategoricalColumn Read(H5adReader reader, IH5Dataset codesDataset, string path)
    {
        var categoriesElement = reader.Guard(path, () =>
        {
            var reference = codesDataset.Attribute("categories").Read<NativeObjectReference1>();
            return (reader.Root as NativeGroup)?.Get(reference)
                ?? throw new NotSupportedException("object references can only be followed in native HDF5 files");
        });
        string categoriesPath = path + " (its 'categories' reference)";
        var categories = reader.ReadElement(categoriesElement, categoriesPath) as string[]
            ?? throw reader.Fail(categoriesPath, "the referenced categories are not strings.");
        var codes = reader.Guard(path, () => H5Values.ReadInt32(codesDataset));
        for (int i = 0; i < codes.Length; i++)
            if (codes[i] < -1 || codes[i] >= categories.Length)
                throw reader.Fail(path, $"code {codes[i]} at row {i} is out of range for {categories.Length} categories.");
        bool ordered = reader.Guard(path, () => H5Values.BoolAttribute(categoriesElement, "ordered", false));
        return new CategoricalColumn(H5adReader.NameOf(path), codes, categories, ordered);
    }
}
