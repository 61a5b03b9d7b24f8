namespace DigitalCell.Sdk.Figures;

/// <summary>The file formats a <see cref="Figure"/> saves to.</summary>
public enum FigureFormat
{
    /// <summary>An interactive page with plotly.js embedded (offline).</summary>
    Html,

    /// <summary>A raster image, drawn by headless Chromium.</summary>
    Png,

    /// <summary>A vector image, drawn by headless Chromium.</summary>
    Svg,
}
