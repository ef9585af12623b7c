import numpy as np
import pytest

from gammaray.modeling import Covariance, Parameter, Parameters
from gammaray.modeling.models import PowerLawSpectralModel
from gammaray.utils.errors import InvalidFileError, OverwriteError


def make_covariance():
    pars = Parameters([Parameter("a", 1.0), Parameter("b", 2.0), Parameter("c", 3.0)])
    data = np.array([[4.0, 1.0, 0.0], [1.0, 9.0, -3.0], [0.0, -3.0, 16.0]])
    return Covariance(pars, data)


def test_covariance_sub_and_correlation():
    covar = make_covariance()
    sub = covar.get_subcovariance(covar.parameters[["c", "a"]])
    np.testing.assert_array_equal(sub.data, [[16, 0], [0, 4]])
    corr = covar.correlation
    assert corr[0, 1] == pytest.approx(1 / 6) and corr[1, 2] == pytest.approx(-0.25)
    np.testing.assert_allclose(np.diag(corr), 1)
    sub.data = [[1.0, 0.5], [0.5, 2.0]]
    covar.set_subcovariance(sub)
    assert covar.data[2, 2] == 1 and covar.data[0, 2] == 0.5 and covar.data[0, 0] == 2
    with pytest.raises(ValueError, match="does not match"):
        covar.data = np.eye(2)


def test_covariance_from_stack_and_default():
    c1 = make_covariance()
    pars2 = Parameters([Parameter("d", 1.0, error=0.5)])
    c2 = Covariance(pars2)
    assert c2.data[0, 0] == 0.25
    stacked = Covariance.from_stack([c1, c2])
    assert stacked.shape == (4, 4)
    assert stacked.data[3, 3] == 0.25 and stacked.data[0, 3] == 0
    np.testing.assert_array_equal(stacked.data[:3, :3], c1.data)


def test_covariance_write_read(tmp_path, gammaray_data):
    covar = make_covariance()
    path = tmp_path / "covar.dat"
    covar.write(path)
    with pytest.raises(OverwriteError):
        covar.write(path)
    covar.write(path, overwrite=True)
    back = Covariance.read(path, covar.parameters)
    np.testing.assert_array_equal(back.data, covar.data)
    with pytest.raises(InvalidFileError, match="3, 3"):
        Covariance.read(path, covar.parameters[:2])
    # a covariance file written by Gammapy
    model = PowerLawSpectralModel()
    pars = Parameters(
        list(model.parameters) + [Parameter("lambda_", 1), Parameter("alpha", 1)]
    )
    gp = Covariance.read(
        gammaray_data
        / "datasets/simulations/simulated_spectrum_dataset_ECPL_model_covariance.dat",
        pars,
    )
    assert gp.shape == (5, 5)


def test_model_covariance_and_plot():
    import matplotlib.pyplot as plt

    model = PowerLawSpectralModel()
    model.covariance = np.diag([0.01, 1e-26, 0])
    assert model.index.error == pytest.approx(0.1)
    assert model.covariance.parameters[0] is model.index
    ax = model.covariance.plot_correlation()
    assert len(ax.images) == 1
    plt.close("all")
