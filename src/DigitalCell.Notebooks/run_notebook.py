"""Executes one notebook in a real Jupyter kernel, cell by cell, for `dcell notebook run`.

usage: run_notebook.py INPUT OUTPUT --kernel NAME --cwd DIR --timeout SECONDS --startup-timeout SECONDS

Writes the executed notebook to OUTPUT even when a cell fails. On stdout it prints {"progress": n, "cells": N} after each
code cell it runs (N code cells in all), then one status line:
{"executed": N, "failure": null | {"cell": index (1-based, markdown included), "execution_count": n, "ename": ..., "evalue": ...}}.
A cell that times out or kills the kernel gets an error output of its own, so the saved notebook shows where it stopped.
"""
import argparse
import json
import math
import sys

import nbformat
import zmq
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def error_output(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def coalesce_streams(cell):
    # One output per run of same-stream writes, joined once (linear in the text, however many writes the kernel sent).
    merged = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and merged and merged[-1].output_type == "stream" and merged[-1].name == output.name:
            merged[-1]["_parts"].append(output.text)
        else:
            if output.output_type == "stream":
                output["_parts"] = [output.text]
            merged.append(output)
    for output in merged:
        if "_parts" in output:
            output.text = "".join(output.pop("_parts"))
    cell.outputs = merged


class Client(NotebookClient):
    def create_kernel_manager(self):
        manager = super().create_kernel_manager()
        # An unlimited receive queue on our sockets: with ZeroMQ's default high-water mark (1000 messages) the kernel's
        # publisher drops output that a busy client has not read yet, so a cell printing thousands of lines lost some.
        manager.context.setsockopt(zmq.RCVHWM, 0)
        return manager


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--startup-timeout", type=float, required=True)
    args = parser.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    # iopub_timeout: after the kernel's reply, nbclient waits this long for the cell's remaining output messages. Its
    # default (4 s) cut off the tail of a few thousand lines on a busy machine; a minute (at most the cell's limit) lets
    # them arrive, while a flood whose closing message the kernel's transport lost still ends instead of hanging.
    client = Client(nb, kernel_name=args.kernel, timeout=math.ceil(args.timeout), startup_timeout=math.ceil(args.startup_timeout),
                    iopub_timeout=min(60, math.ceil(args.timeout)), allow_errors=False, shutdown_kernel="immediate", resources={"metadata": {"path": args.cwd}})
    executed, failure = 0, None
    cells = sum(1 for cell in nb.cells if cell.cell_type == "code")
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                executed += 1
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    cell.outputs.append(error_output("CellTimeoutError", f"the cell ran longer than {args.timeout:g} s (--timeout) and was stopped"))
                    failure = (index, cell, "CellTimeoutError", f"ran longer than {args.timeout:g} s")
                except DeadKernelError:
                    cell.outputs.append(error_output("DeadKernelError", "the kernel process died while running this cell (a crash, stack overflow or out of memory)"))
                    failure = (index, cell, "DeadKernelError", "the kernel process died while running this cell")
                except CellExecutionError as e:
                    # The C# kernel reports a compilation error as "compilation error" and writes the diagnostics to stderr.
                    diagnostics = [line.strip() for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"
                                   for line in o.text.splitlines() if ": error " in line]
                    failure = (index, cell, e.ename, f"{e.evalue}: {diagnostics[0]}" if diagnostics else e.evalue)
                finally:
                    coalesce_streams(cell)
                    print(json.dumps({"progress": executed, "cells": cells}), flush=True)
                if failure:
                    break
    except DeadKernelError:
        # The kernel died while shutting down after the failure above; the notebook already says where.
        if failure is None:
            failure = (0, None, "DeadKernelError", "the kernel died outside any cell")
    except Exception as e:
        if executed == 0:
            # The kernel did not start: not registered (NoSuchKernel), or it timed out or exited while starting.
            print(json.dumps({"executed": 0, "failure": None, "startup_error": f"{type(e).__name__}: {e}"}))
            return 2
        raise
    nbformat.write(nb, args.output)
    result = {"executed": executed, "failure": None}
    if failure:
        index, cell, ename, evalue = failure
        result["failure"] = {"cell": index + 1, "execution_count": (cell or {}).get("execution_count") or 0, "ename": ename, "evalue": evalue}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
