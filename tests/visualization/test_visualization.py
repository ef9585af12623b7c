import matplotlib.pyplot as plt
import numpy as np

from gammaray.visualization import (
    add_colorbar,
    annotate_unit,
    colormap_hess,
    colormap_milagro,
    get_axes,
    plot_contour_line,
)


def test_colormaps_span_their_colors():
    cmap = colormap_hess()
    np.testing.assert_allclose(cmap(0.0)[:3], (0, 0, 0))
    np.testing.assert_allclose(cmap(1.0)[:3], (1, 1, 1))
    milagro = colormap_milagro()
    np.testing.assert_allclose(milagro(0.0)[:3], (1, 1, 1))


def test_add_colorbar_and_contour():
    fig, ax = plt.subplots()
    img = ax.imshow(np.arange(12.0).reshape(3, 4))
    cbar = add_colorbar(img, ax, label="counts")
    assert cbar.ax.get_ylabel() == "counts"
    theta = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    (line,) = plot_contour_line(ax, np.cos(theta), np.sin(theta))
    xdata = line.get_xdata()
    assert len(xdata) == 200
    np.testing.assert_allclose(np.hypot(xdata, line.get_ydata()), 1, atol=0.05)
    assert get_axes(ax) is ax


def test_annotate_unit():
    assert annotate_unit("TeV") == "[TeV]"
    assert annotate_unit("") == ""
