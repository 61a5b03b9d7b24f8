using System.IO.MemoryMappedFiles;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad.Encodings;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// An open h5ad file: dispatches each element to the encoding named by its attributes and turns every failure into a
/// <see cref="DigitalCellException"/> naming the file, the element path and the problem.
/// </summary>
/// <remarks>
/// Files are memory-mapped twice over: our fast paths (<see cref="MappedStringDataset"/>, <see cref="MappedNumericDataset"/>)
/// read the map through <see cref="PureHdfStorage"/>, which checks every file-supplied address and size against the
/// file's length; PureHDF reads it through a view <em>stream</em>, never its raw-pointer accessor driver, because that
/// driver follows addresses from the file unchecked and a corrupt B-tree or heap address then reads outside the
/// mapping (SIGSEGV). A stream read past the end just comes back short, and PureHDF reports it as an exception.
/// </remarks>
internal sealed class H5adReader : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly IH5Group _file;
    private readonly IH5Group _root;
    private readonly string _scope;
    private readonly bool _ownsMap;
    private readonly HdfSuperblock? _superblock;

    private H5adReader(string filePath, H5adReadOptions options, HdfSuperblock? superblock, MemoryMappedFile map, MemoryMappedViewAccessor view, IH5Group file, IH5Group root, string scope, bool ownsMap = true)
    {
        _superblock = superblock;
        _ownsMap = ownsMap;
        FilePath = filePath;
        Options = options;
        _map = map;
        _view = view;
        _file = file;
        _root = root;
        _scope = scope;
    }

    /// <summary>The file being read.</summary>
    public string FilePath { get; }

    /// <summary>The caller's options.</summary>
    public H5adReadOptions Options { get; }

    /// <summary>The root group: the file's, or the group this reader is scoped to (see <see cref="Scoped"/>).</summary>
    public IH5Group Root => _root;

    /// <summary>Opens <paramref name="path"/> memory-mapped, failing with a clear message when it is missing, empty or not HDF5.</summary>
    public static H5adReader Open(string path, H5adReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "file not found.");
        long length = FileLinks.Resolve(path).Length;
        if (length == 0) throw new DigitalCellException(path, null, "the file is empty, not an HDF5 (h5ad) file.");
        var superblock = HdfSuperblock.Read(path);
        if (superblock?.DeclaredEnd is { } end && end > length)
            throw new DigitalCellException(path, null, $"the file is truncated: its HDF5 header says it ends at byte {end} but it has only {length} bytes (an interrupted download or copy?).");
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            var file = OpenPureHdf(map);
            return new H5adReader(path, options ?? new H5adReadOptions(), superblock, map, view, file, file, "");
        }
        catch (Exception e)
        {
            view?.Dispose();
            map?.Dispose();
            throw new DigitalCellException(path, null, $"not a readable HDF5 (h5ad) file; it may be truncated or corrupt ({e.Message}).", e);
        }
    }

    /// <summary>
    /// A second reader over the same memory map, for reading another element on another thread: PureHDF's file
    /// objects keep per-read state, but independent ones over their own views of one read-only map can run in
    /// parallel. Disposing the fork leaves this reader open.
    /// </summary>
    public H5adReader Fork() => ForkAt(_scope);

    /// <summary>
    /// A reader whose root is the group at <paramref name="groupPath"/> (relative to this reader's root), for an
    /// AnnData stored inside another file (an h5mu modality under <c>/mod/&lt;name&gt;</c>): element paths stay
    /// relative to that group when reading and are reported in full in errors. Disposing it leaves this reader open.
    /// </summary>
    /// <exception cref="DigitalCellException">The group does not exist.</exception>
    public H5adReader Scoped(string groupPath) => ForkAt(_scope + "/" + groupPath.Trim('/'));

    private H5adReader ForkAt(string scope)
    {
        var view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        IH5Group? file = null;
        try
        {
            file = OpenPureHdf(_map);
            var root = file;
            foreach (var part in scope.Split('/', StringSplitOptions.RemoveEmptyEntries))
                root = (root.LinkExists(part) ? root.Get(part) : null) as IH5Group
                    ?? throw new DigitalCellException(FilePath, scope, "required group is missing.");
            return new(FilePath, Options, _superblock, _map, view, file, root, scope, ownsMap: false);
        }
        catch (Exception e)
        {
            (file as IDisposable)?.Dispose();
            view.Dispose();
            if (e is DigitalCellException) throw;
            throw new DigitalCellException(FilePath, scope.Length == 0 ? "/" : scope, $"cannot read: {e.Message}", e);
        }
    }

    /// <summary>Opens PureHDF over a bounds-checked stream of the map (see the remarks on this type).</summary>
    private static IH5Group OpenPureHdf(MemoryMappedFile map) =>
        H5File.Open(map.CreateViewStream(0, 0, MemoryMappedFileAccess.Read), leaveOpen: false);

    /// <summary>Runs <paramref name="read"/> on a forked reader on the thread pool when the data are large enough to gain from it.</summary>
    public Task<T> ReadAside<T>(bool large, Func<H5adReader, T> read)
    {
        if (!large || Environment.ProcessorCount < 2) return Task.FromResult(read(this));
        return Task.Run(() =>
        {
            using var fork = Fork();
            return read(fork);
        });
    }

    /// <summary>An error about element <paramref name="path"/>.</summary>
    public DigitalCellException Fail(string path, string problem, Exception? inner = null) => new(FilePath, InFile(path), problem, inner);

    /// <summary>Reports a skipped element to <see cref="H5adReadOptions.OnSkipped"/>.</summary>
    public void Skip(string path, string reason) => Options.OnSkipped?.Invoke(InFile(path), reason);

    /// <summary>The full path in the file of an element path relative to <see cref="Root"/>.</summary>
    private string InFile(string path) => _scope.Length == 0 ? path : path == "/" ? _scope : _scope + path;

    /// <summary>The child <paramref name="name"/> of <paramref name="group"/>, or null when absent.</summary>
    public IH5Object? OptionalChild(IH5Group group, string name, string groupPath) =>
        Guard(groupPath, () => group.LinkExists(name) ? group.Get(name) : null);

    /// <summary>The child <paramref name="name"/> of <paramref name="group"/>.</summary>
    /// <exception cref="DigitalCellException">It is missing.</exception>
    public IH5Object Child(IH5Group group, string name, string groupPath) =>
        OptionalChild(group, name, groupPath) ?? throw Fail(Join(groupPath, name), "required element is missing.");

    /// <summary>The child dataset <paramref name="name"/> of <paramref name="group"/>.</summary>
    public IH5Dataset ChildDataset(IH5Group group, string name, string groupPath) =>
        Child(group, name, groupPath) as IH5Dataset ?? throw Fail(Join(groupPath, name), "expected a dataset, found a group.");

    /// <summary>The element at an absolute path, or null when absent.</summary>
    public IH5Object? OptionalElement(string path)
    {
        IH5Object current = _root;
        string currentPath = "";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current is not IH5Group group) return null;
            var next = OptionalChild(group, part, currentPath.Length == 0 ? "/" : currentPath);
            if (next is null) return null;
            current = next;
            currentPath += "/" + part;
        }
        return current;
    }

    /// <summary>Runs a PureHDF operation, wrapping anything it throws in a <see cref="DigitalCellException"/> for <paramref name="path"/>.</summary>
    public T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not DigitalCellException)
        {
            throw Fail(path, $"cannot read: {e.Message}", e);
        }
    }

    /// <summary>The encoding type of an element: its attribute, or the implicit one of pre-0.8 files.</summary>
    public string EncodingTypeOf(IH5Object element, string path) => Guard(path, () =>
        H5Values.StringAttribute(element, "encoding-type") is { } type ? type
        : element.AttributeExists("h5sparse_format") ? LegacySparseEncoding.TypeName
        : element is IH5Dataset ? "array"
        : "dict");

    /// <summary>Reads any element through the encoding its attributes name; null when it was skipped.</summary>
    /// <exception cref="DigitalCellException">Unknown encoding, unsupported version or malformed content.</exception>
    public object? ReadElement(IH5Object element, string path)
    {
        string type = EncodingTypeOf(element, path);
        var encoding = H5adEncodings.Find(type)
            ?? throw Fail(path, $"unknown encoding-type '{type}'. Known encodings: {H5adEncodings.Known}.");
        string? version = Guard(path, () => H5Values.StringAttribute(element, "encoding-version"));
        if (version is not null && !encoding.Versions.Contains(version))
            throw Fail(path, $"encoding-version '{version}' of encoding-type '{type}' is not supported (supported: {string.Join(", ", encoding.Versions)}).");
        return Guard(path, () => encoding.Read(this, element, path));
    }

    /// <summary>Reads an element that must be a matrix (sparse or 2-D dense).</summary>
    public CellMatrix ReadMatrix(IH5Object element, string path) => ReadElement(element, path) switch
    {
        CellMatrix m => m,
        null => throw Fail(path, "expected a matrix, but this element cannot be read as one."),
        var other => throw Fail(path, $"expected a matrix (csr_matrix, csc_matrix or 2-D array), found {Describe(other)}."),
    };

    /// <summary>Reads an element that must be a dataframe.</summary>
    public AnnotationTable ReadDataFrame(IH5Object element, string path) => ReadElement(element, path) as AnnotationTable
        ?? throw Fail(path, $"expected a dataframe, found encoding-type '{EncodingTypeOf(element, path)}'.");

    /// <summary>Reads an element that must be a string array (an index).</summary>
    public string[] ReadStrings(IH5Object element, string path) => ReadElement(element, path) switch
    {
        string[] s => s,
        Array a => a.Cast<object>().Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray(),
        var other => throw Fail(path, $"expected an array of strings, found {Describe(other)}."),
    };

    /// <summary>Reads a one-dimensional string dataset, through <see cref="MappedStringDataset"/> where it can; null when it does not hold strings.</summary>
    public string[]? ReadStringDataset(IH5Dataset dataset, string path)
    {
        EnsureStorable(dataset, path);
        return MappedStringDataset.TryRead(_view, _superblock, dataset) ?? H5Values.ReadArray(dataset) as string[];
    }

    /// <summary>Reads a whole one-dimensional numeric dataset as float32, copied straight from the memory map where <see cref="MappedNumericDataset"/> can.</summary>
    public float[] ReadFloats(IH5Dataset dataset, string path)
    {
        EnsureStorable(dataset, path);
        return (dataset.Type.Class == H5DataTypeClass.FloatingPoint ? MappedNumericDataset.TryRead<float>(_view, _superblock, dataset) : null) ?? H5Values.ReadFloats(dataset);
    }

    /// <summary>Reads a whole one-dimensional integer dataset as int32, copied straight from the memory map where <see cref="MappedNumericDataset"/> can.</summary>
    public int[] ReadInt32(IH5Dataset dataset, string path)
    {
        EnsureStorable(dataset, path);
        return (dataset.Type.Class == H5DataTypeClass.FixedPoint && dataset.Type.FixedPoint.IsSigned ? MappedNumericDataset.TryRead<int>(_view, _superblock, dataset) : null) ?? H5Values.ReadInt32(dataset);
    }

    /// <summary>Reads a whole dataset as a typed array (see <see cref="H5Values.ReadArray"/>).</summary>
    public Array ReadArray(IH5Dataset dataset, string path)
    {
        EnsureStorable(dataset, path);
        return H5Values.ReadArray(dataset);
    }

    /// <summary>The length of a one-dimensional dataset, from its header.</summary>
    /// <exception cref="DigitalCellException">It is not one-dimensional.</exception>
    public ulong VectorLength(IH5Dataset dataset, string path) => Guard(path, () => dataset.Space.Dimensions) is [var length]
        ? length : throw Fail(path, "expected a one-dimensional dataset.");

    /// <summary>
    /// Fails unless the file could hold the dataset it declares: its elements must fit in one .NET array and, stored,
    /// in the file's bytes (times deflate's largest expansion, 1032:1, when it is compressed). HDF5 fills chunks never
    /// written with the fill value, so without this a 1 MB file declaring a 2-billion-element dataset makes the reader
    /// allocate gigabytes before anything could disagree with it.
    /// </summary>
    public void EnsureStorable(IH5Dataset dataset, string path)
    {
        const ulong MaxDeflateRatio = 1032;
        var (dims, elementSize) = Guard(path, () => (dataset.Space.Dimensions, (ulong)Math.Max(1, dataset.Type.Size)));
        ulong count = 1;
        foreach (ulong d in dims)
            if (d != 0 && count > (ulong)Array.MaxLength / d) throw Fail(path, $"declares a shape of [{string.Join(", ", dims)}], more elements than an array can hold.");
            else count *= d;
        if (count > (ulong)Array.MaxLength) throw Fail(path, $"declares a shape of [{string.Join(", ", dims)}], more elements than an array can hold.");
        ulong fileLength = (ulong)(_superblock?.FileLength ?? _view.Capacity);
        ulong capacity = PureHdfStorage.IsFiltered(dataset) ? fileLength * MaxDeflateRatio : fileLength;
        if (count * elementSize > capacity)
            throw Fail(path, $"declares {count} elements of {elementSize} bytes but the file ({fileLength} bytes) cannot hold them; it is corrupt.");
    }

    /// <summary>Joins a group path and a child name.</summary>
    public static string Join(string groupPath, string name) => groupPath == "/" ? "/" + name : groupPath + "/" + name;

    /// <summary>The last segment of an element path.</summary>
    public static string NameOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>A short description of a decoded value, for error messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "nothing",
        Array a => $"a {a.GetType().GetElementType()!.Name} array",
        IReadOnlyDictionary<string, object> => "a dict",
        AnnotationTable => "a dataframe",
        AnnotationColumn c => $"a {c.TypeName} column",
        _ => value.GetType().Name,
    };

    /// <inheritdoc />
    public void Dispose()
    {
        // PureHDF registers every open file (and its caches) until disposed; disposing it also disposes its view.
        (_file as IDisposable)?.Dispose();
        _view.Dispose();
        if (_ownsMap) _map.Dispose();
    }
}
