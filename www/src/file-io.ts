// Opening local files (picker, drag-and-drop) and downloading reports. Nothing is uploaded.

const MAX_FILE_BYTES = 10 * 1024 * 1024;

export async function readTextFile(file: File): Promise<string> {
  if (file.size > MAX_FILE_BYTES) {
    throw new Error(`${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; the limit is 10 MiB`);
  }
  return file.text();
}

/** Wire a hidden <input type=file> and drag-and-drop onto `dropZone`. */
export function setUpFileOpening(
  input: HTMLInputElement,
  dropZone: HTMLElement,
  onFile: (file: File) => void,
): void {
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onFile(file);
    input.value = '';
  });
  const hasFiles = (event: DragEvent) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  // Capture phase, so CodeMirror does not insert the file's name or text itself.
  dropZone.addEventListener(
    'dragover',
    (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.stopPropagation();
      dropZone.classList.add('kh-dropping');
    },
    true,
  );
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('kh-dropping'), true);
  dropZone.addEventListener(
    'drop',
    (event) => {
      dropZone.classList.remove('kh-dropping');
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.stopPropagation();
      const file = event.dataTransfer?.files[0];
      if (file) onFile(file);
    },
    true,
  );
}

export function download(filename: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
