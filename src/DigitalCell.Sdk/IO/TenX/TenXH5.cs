using DigitalCell.Sdk.Data;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Sdk.IO.TenX;

/// <summary>
/// Reader for Cell Ranger's HDF5 feature-barcode matrix. Cell Ranger 3+ stores
/// <c>/matrix/{data,indices,indptr,shape,barcodes,features/{id,name,feature_type,genome}}</c>; Cell Ranger 2 stores one
/// group per genome with <c>genes</c> and <c>gene_names</c> instead of <c>features</c>. Either way the arrays are the CSC
/// layout of the genes × cells matrix, which is exactly CSR of cells × genes, so no transpose is needed.
/// </summary>
internal static class TenXH5
{
    public static CellDataset Read(string path)
    {
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "no such file");
        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not DigitalCellException)
        {
            throw new DigitalCellException(path, null, $"not a readable HDF5 file ({e.Message})", e);
        }
        using (file)
        {
            try
            {
                return ReadMatrix(path, file);
            }
            catch (Exception e) when (e is not DigitalCellException)
            {
                throw new DigitalCellException(path, null, $"could not read the 10x matrix ({e.Message})", e);
            }
        }
    }

    private static CellDataset ReadMatrix(string path, NativeFile file)
    {
        IH5Group group;
        string[] ids, names;
        string[]? types = null, genomes = null;
        if (file.LinkExists("matrix") && file.Group("matrix").LinkExists("features"))
        {
            group = file.Group("matrix");
            var features = group.Group("features");
            ids = ReadStrings(path, features, "/matrix/features/id");
            names = ReadStrings(path, features, "/matrix/features/name");
            if (features.LinkExists("feature_type")) types = ReadStrings(path, features, "/matrix/features/feature_type");
            if (features.LinkExists("genome")) genomes = ReadStrings(path, features, "/matrix/features/genome");
        }
        else
        {
            var genomeGroups = file.Children().OfType<IH5Group>().Where(g => g.LinkExists("genes")).ToList();
            if (genomeGroups.Count != 1)
                throw new DigitalCellException(path, null, genomeGroups.Count == 0
                    ? "not a 10x HDF5 matrix: found neither /matrix/features (Cell Ranger 3+) nor a genome group with 'genes' (Cell Ranger 2)"
                    : $"holds {genomeGroups.Count} genome groups ({string.Join(", ", genomeGroups.Select(g => g.Name))}); reading more than one is not supported");
            group = genomeGroups[0];
            ids = ReadStrings(path, group, $"/{group.Name}/genes");
            names = ReadStrings(path, group, $"/{group.Name}/gene_names");
        }
        string prefix = "/" + group.Name;
        var shape = Numbers(path, group, prefix + "/shape", H5Values.ReadInt32);
        if (shape.Length != 2 || shape[0] < 0 || shape[1] < 0)
            throw new DigitalCellException(path, prefix + "/shape", $"expected two sizes (features, barcodes), found [{string.Join(", ", shape)}]");
        int genes = shape[0], cells = shape[1];
        var barcodes = ReadStrings(path, group, prefix + "/barcodes");
        if (barcodes.Length != cells) throw new DigitalCellException(path, prefix + "/barcodes", $"has {barcodes.Length} entries but shape says {cells} barcodes");
        if (ids.Length != genes) throw new DigitalCellException(path, prefix, $"lists {ids.Length} features but shape says {genes}");

        var indptr = Numbers(path, group, prefix + "/indptr", H5Values.ReadInt32);
        var indices = Numbers(path, group, prefix + "/indices", H5Values.ReadInt32);
        var data = Numbers(path, group, prefix + "/data", dataset => H5Values.ReadFloats(dataset));
        var problem = SparseCellMatrix.Validate(cells, genes, indptr, indices, data);
        if (problem is not null) throw new DigitalCellException(path, prefix, problem);
        var x = new SparseCellMatrix(cells, genes, indptr, indices, data);

        var columns = new List<AnnotationColumn> { new StringColumn(TenXMatrix.GeneIdsColumn, ids) };
        if (types is not null) columns.Add(new StringColumn(TenXMatrix.FeatureTypesColumn, types));
        if (genomes is not null) columns.Add(new StringColumn("genome", genomes));
        var var = new AnnotationTable("var", IndexNames.MakeUnique(names), columns);
        return new CellDataset(x, new AnnotationTable("obs", barcodes), var, source: Path.GetFullPath(path));
    }

    /// <summary>Reads a numeric dataset through the h5ad reader's type dispatch (PureHDF does not convert), naming the element on failure.</summary>
    private static T[] Numbers<T>(string path, IH5Group group, string element, Func<IH5Dataset, Selection?, T[]> read) =>
        Numbers(path, group, element, dataset => read(dataset, null));

    private static T[] Numbers<T>(string path, IH5Group group, string element, Func<IH5Dataset, T[]> read)
    {
        string name = element[(element.LastIndexOf('/') + 1)..];
        if (!group.LinkExists(name)) throw new DigitalCellException(path, element, "is missing");
        try
        {
            return read(group.Dataset(name));
        }
        catch (Exception e) when (e is NotSupportedException or OverflowException)
        {
            throw new DigitalCellException(path, element, e.Message, e);
        }
    }

    private static string[] ReadStrings(string path, IH5Group group, string element)
    {
        string name = element[(element.LastIndexOf('/') + 1)..];
        if (!group.LinkExists(name)) throw new DigitalCellException(path, element, "is missing");
        var dataset = group.Dataset(name);
        if (dataset.Type.Class != H5DataTypeClass.String && dataset.Type.Class != H5DataTypeClass.VariableLength)
            throw new DigitalCellException(path, element, $"expected strings, found HDF5 type {dataset.Type.Class}");
        return dataset.Read<string[]>();
    }
}
