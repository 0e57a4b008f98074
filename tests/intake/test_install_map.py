"""Where a wheel installs the data a tree keeps, from each build backend's configuration."""

from countersign.intake.install_map import installed_data, source_of


def test_hatch_shared_data_maps_the_source_to_the_installed_directory():
    text = (
        "[tool.hatch.build.targets.wheel.shared-data]\n"
        '"share/templates" = "share/jupyter/nbconvert/templates"\n'
    )
    pairs = installed_data(text)
    assert pairs == (("share/jupyter/nbconvert/templates", "share/templates"),)
    assert source_of("share/jupyter/nbconvert/templates/classic", pairs) == (
        "share/templates/classic",
    )
    assert source_of("share/jupyter/nbconvert", pairs) == ()
    assert source_of("share/jupyter/nbconvert/templatesX", pairs) == ()


def test_setuptools_data_files_copy_from_their_globs_directories():
    text = '[tool.setuptools.data-files]\n"share/shipit" = ["data/templates/*.tpl", "NOTICE"]\n'
    assert installed_data(text) == (("share/shipit", "data/templates"),)


def test_flit_external_data_installs_a_directory_into_the_prefix_as_it_is():
    pairs = installed_data('[tool.flit.external-data]\ndirectory = "data"\n')
    assert source_of("share/man/man1/shipit.1", pairs) == ("data/share/man/man1/shipit.1",)


def test_a_text_that_is_no_toml_or_declares_nothing_maps_nothing():
    assert installed_data("[tool.hatch\n") == ()
    assert installed_data('[project]\nname = "x"\n') == ()
    assert installed_data('[tool.hatch.build]\nshared-data = "x"\n') == ()
