namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// h5py's boolean type is an HDF5 enum {FALSE = 0, TRUE = 1} over uint8; numpy and pandas only read that back as bool.
/// A plain C# bool would be written as uint8 (SPIKE-NOTES gotcha 2), and an sbyte-based enum crashes PureHDF's writer.
/// </summary>
internal enum H5Bool : byte
{
    /// <summary>false</summary>
    FALSE = 0,

    /// <summary>true</summary>
    TRUE = 1,
}
