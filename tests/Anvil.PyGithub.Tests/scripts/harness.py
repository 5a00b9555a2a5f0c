"""What every group script shares: the clients, a record of the PyGithub calls made, and the exit code.

A call is a public method of a PyGithub class invoked by a group script (not by PyGithub itself), recorded as
``Class.method``; the C# test reads the ``CALL`` lines and counts the distinct ones across groups.
"""
import functools
import inspect
import os
import sys
import time
import traceback

import github

_GITHUB_DIR = os.path.dirname(github.__file__)
_seen = set()


def _record(cls_name, name, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        caller = sys._getframe(1).f_code.co_filename
        if not caller.startswith(_GITHUB_DIR):
            key = f"{cls_name}.{name}"
            if key not in _seen:
                _seen.add(key)
                print(f"CALL {key}", flush=True)
        return fn(*args, **kwargs)
    return wrapper


def _instrument():
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("github.") and module_name != "github":
            continue
        for cls_name, cls in list(vars(module).items()):
            if not inspect.isclass(cls) or cls.__module__ != module_name:
                continue
            for name, member in list(vars(cls).items()):
                if name.startswith("_") or not inspect.isfunction(member):
                    continue
                setattr(cls, name, _record(cls_name, name, member))


# Import every PyGithub module first so each class is instrumented once, in the module that defines it.
import pkgutil  # noqa: E402
import importlib  # noqa: E402

for _info in pkgutil.iter_modules(github.__path__):
    importlib.import_module("github." + _info.name)
_instrument()

API_URL = os.environ["ANVIL_API_URL"]
WEB_URL = API_URL.rsplit("/api/v1", 1)[0]


def client(token=None, per_page=30):
    """PyGithub as a user of it sets it up against a GitHub Enterprise-like server: only the base URL changed."""
    # A generous timeout: PyGithub's 15 s default is short for a test machine running many suites at once.
    return github.Github(base_url=API_URL, login_or_token=token, per_page=per_page, timeout=120)


def env(name):
    return os.environ[name]


def settled(repo, number, timeout=60):
    """The pull request once its mergeability is known: like GitHub's, null until computed, so clients poll."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        pr = repo.get_pull(number)
        if pr.mergeable is not None:
            return pr
        time.sleep(0.2)
    raise AssertionError(f"pull request {number}: mergeable still null after {timeout}s")


def expect_error(cls, fn, status=None):
    """Runs fn and returns the exception of class cls it raised (asserting its status when given)."""
    try:
        fn()
    except cls as e:
        if status is not None:
            assert e.status == status, f"expected {status}, got {e.status}: {e.data}"
        return e
    raise AssertionError(f"expected {cls.__name__}")


def run(*steps):
    """Runs each step (a function of no arguments), reporting each and going on after a failure."""
    failed = []
    for step in steps:
        print(f"== {step.__name__}", flush=True)
        try:
            step()
        except Exception:  # noqa: BLE001 — every failure is reported, then the next step runs
            failed.append(step.__name__)
            traceback.print_exc(file=sys.stdout)
            sys.stdout.flush()
    print(f"calls: {len(_seen)}", flush=True)
    if failed:
        print("FAILED: " + ", ".join(failed), flush=True)
        sys.exit(1)
