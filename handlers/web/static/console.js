// The staff console's only script: "全选" boxes tick every box of their form.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[data-select-all]")) { return; }
  box.form.querySelectorAll("input[name='" + box.dataset.selectAll + "']").forEach(function (other) {
    other.checked = box.checked;
  });
});
