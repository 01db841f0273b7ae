def test_tree_fixture_builds_paths(tree):
    assert tree.a.path == "42/443/18436/"
    assert tree.n.path == "42/18436/"
    assert list(tree.n.predecessors.order_by("code")) == [tree.a, tree.b]
